/* ledelse.js -- the manager page (Ledelse): timeliness by group and month
 * as SVG bar charts with the 80 % line, and the workload forecast by week.
 * Data from /v1/reports/timeliness and /v1/forecast; while the server has
 * neither (501) the page computes them here from the cases' plans. */
"use strict";

(function () {
  const K = window.K;
  const h = K.h;
  const svg = K.svg;
  const TARGET = 0.8;

  function isoWeek(iso) {
    const d = new Date(iso + "T00:00:00Z");
    const day = (d.getUTCDay() + 6) % 7;
    d.setUTCDate(d.getUTCDate() - day + 3);
    const y = d.getUTCFullYear();
    const jan4 = new Date(Date.UTC(y, 0, 4));
    const w = 1 + Math.round(((d - jan4) / 86400000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
    return `${y}-W${String(w).padStart(2, "0")}`;
  }
  function monday(iso) {
    const dow = (new Date(iso + "T00:00:00Z").getUTCDay() + 6) % 7;
    return K.addDays(iso, -dow);
  }

  // {groups:[{group, months:[{month, met, late, overdue, share}]}]} and
  // {weeks:[{week, from, due}]} from the plans of up to 200 cases.
  async function computeHere(today) {
    const list = await K.api("GET", "/v1/cases?limit=200");
    if (list.status !== 200) return { problem: list.problem };
    const byGroup = {};
    const weeks = {};
    const start = monday(today);
    for (let i = 0; i < 12; i++) {
      const from = K.addDays(start, 7 * i);
      weeks[isoWeek(from)] = { week: isoWeek(from), from, due: 0 };
    }
    const horizon = K.addDays(start, 7 * 12);
    await Promise.all(list.data.cases.map(async (c) => {
      const r = await K.api("GET", "/v1/cases/" + encodeURIComponent(c.id));
      if (r.status !== 200) return;
      for (const o of r.data.plan.obligations) {
        const to = o.window.to;
        if (!to) continue;
        if (o.status === "met" || o.status === "late" || o.status === "overdue") {
          const g = (byGroup[o.benefit] = byGroup[o.benefit] || {});
          const m = (g[to.slice(0, 7)] = g[to.slice(0, 7)] || { month: to.slice(0, 7), met: 0, late: 0, overdue: 0 });
          m[o.status]++;
        }
        if ((o.status === "open" || o.status === "overdue") && to < horizon) {
          const w = isoWeek(to < start ? start : to);
          if (weeks[w]) weeks[w].due++;
        }
      }
    }));
    const groups = Object.keys(byGroup).sort().map((g) => ({
      group: g,
      months: Object.values(byGroup[g]).sort((a, b) => a.month.localeCompare(b.month)).map((m) => ({ ...m, share: m.met / (m.met + m.late + m.overdue) })),
    }));
    return { timeliness: { groups }, forecast: { weeks: Object.values(weeks) }, more: list.data.more };
  }

  // an axis tick: "nov." (and the year in January)
  const MON = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."];
  const monthTick = (ym) => MON[+ym.slice(5, 7) - 1] + (ym.slice(5, 7) === "01" ? " " + ym.slice(0, 4) : "");
  // "2026-W48" -> "uge 48, 2026"
  const weekName = (w) => (/^\d{4}-W\d{2}$/.test(w || "") ? `uge ${+w.slice(6)}, ${w.slice(0, 4)}` : w || "–");

  function pct(x) {
    return Math.round(x * 100) + " %";
  }

  function timelinessChart(g, idx) {
    const all = g.months || [];
    const months = all.slice(-12); // the last twelve months with deadlines
    const W = 420, H = 220, left = 44, right = 8, top = 16, bottom = 34;
    const bw = (W - left - right) / Math.max(months.length, 1);
    const y = (v) => top + (1 - v) * (H - top - bottom);
    const id = "tc-" + idx;
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-labelledby": id + "-t" },
      svg("title", { id: id + "-t" }, `Rettidighed for ${(K.GROUP[g.group] || K.BENEFIT[g.group] || g.group).toLowerCase()} pr. måned; målet er 80 %`));
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      chart.append(svg("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid" }),
        svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, pct(v)));
    }
    months.forEach((m, i) => {
      const share = typeof m.share === "number" ? m.share : m.met / Math.max(1, m.met + m.late + (m.missed || m.overdue || 0));
      const x = left + i * bw + bw * 0.15;
      chart.append(svg("rect", { x, y: y(share), width: bw * 0.7, height: y(0) - y(share), fill: share >= TARGET ? "#1e7b34" : "#b3261e", class: "bar" },
        svg("title", {}, `${K.fmtMonth(m.month)}: ${pct(share)} rettidigt (${m.met} af ${m.met + m.late + (m.missed || m.overdue || 0)})`)),
        months.length <= 8 ? svg("text", { x: x + bw * 0.35, y: y(share) - 4, "text-anchor": "middle" }, pct(share)) : null,
        i % Math.ceil(months.length / 6) === 0 ? svg("text", { x: x + bw * 0.35, y: H - bottom + 16, "text-anchor": "middle" }, monthTick(m.month)) : null);
    });
    chart.append(svg("line", { x1: left, x2: W - right, y1: y(TARGET), y2: y(TARGET), class: "target" }),
      svg("text", { x: W - right - 4, y: y(TARGET) - 6, "text-anchor": "end", class: "warn" }, "mål 80 %"),
      svg("line", { x1: left, x2: W - right, y1: y(0), y2: y(0), class: "axis" }));
    const table = h("details", {}, h("summary", { text: "Vis tallene" }),
      h("div.table-wrap", {}, h("table", {},
        h("thead", {}, h("tr", {}, ["Måned", "Rettidigt", "For sent", "Overskredet", "Andel"].map((t) => h("th", { scope: "col", text: t })))),
        h("tbody", {}, all.map((m) => h("tr", {}, h("td", { text: K.fmtMonth(m.month) }), h("td", { text: m.met }), h("td", { text: m.late }), h("td", { text: m.overdue || 0 }),
          h("td", { text: pct(typeof m.share === "number" ? m.share : m.met / Math.max(1, m.met + m.late + (m.missed || m.overdue || 0))) })))))));
    return h("figure.card", { "data-group": g.group }, h("h3", { text: K.GROUP[g.group] || K.BENEFIT[g.group] || g.group }), chart, table);
  }

  function forecastChart(weeks) {
    const W = 640, H = 240, left = 44, right = 10, top = 16, bottom = 40;
    const max = Math.max(1, ...weeks.map((w) => w.due));
    const bw = (W - left - right) / Math.max(weeks.length, 1);
    const y = (v) => top + (1 - v / max) * (H - top - bottom);
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-labelledby": "fc-t", id: "forecast-chart" },
      svg("title", { id: "fc-t" }, "Forventede frister pr. uge"));
    const step = Math.max(1, Math.ceil(max / 4));
    for (let v = 0; v <= max; v += step)
      chart.append(svg("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid" }), svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, v));
    weeks.forEach((w, i) => {
      const x = left + i * bw + bw * 0.15;
      chart.append(svg("rect", { x, y: y(w.due), width: bw * 0.7, height: y(0) - y(w.due), fill: "#0b5cad", class: "bar" }, svg("title", {}, `${weekName(w.week)}: ${w.due} frister`)),
        svg("text", { x: x + bw * 0.35, y: y(w.due) - 4, "text-anchor": "middle" }, w.due),
        svg("text", { x: x + bw * 0.35, y: H - bottom + 16, "text-anchor": "middle" }, "u" + (w.week || "").slice(-2)));
    });
    chart.append(svg("line", { x1: left, x2: W - right, y1: y(0), y2: y(0), class: "axis" }));
    const table = h("details", {}, h("summary", { text: "Vis tallene" }),
      h("div.table-wrap", {}, h("table", {}, h("thead", {}, h("tr", {}, ["Uge", "Fra", "Frister"].map((t) => h("th", { scope: "col", text: t })))),
        h("tbody", {}, weeks.map((w) => h("tr", {}, h("td", { text: weekName(w.week) }), h("td", { text: K.fmtDate(w.from) }), h("td", { text: w.due })))))));
    return h("figure.card", {}, chart, table);
  }

  /* ---- the 75 % of g2026 (GET /v1/reports/quota) ---------------------------------
   * One chart per population: each a-kasse, and the kommune by group (dp,
   * kh, uh, ly) and in all. Per month a bar of the share held in time
   * against the 75 % line, and a bar of the share undtaget (exempted by a
   * concrete judgement) against its 25 % ceiling; the flags in Danish. The
   * measure is an interpretation, so the whole section says "foreløbig". */
  const QLINE = 0.75, QCEIL = 0.25;
  const FLAG = { under_75: "Under 75 %", undtaget_over_25: "Over 25 % undtaget", under_80: "Under 80 %" };
  const GROUP = { dp: "dagpenge", kh: "kontanthjælp", uh: "uddannelsesparate", ly: "ledighedsydelse", sdp: "sygedagpenge", amy: "arbejdsmarkedsydelse" };
  function quotaTitle(p) {
    if (p.population === "a_kasse") return "A-kasse " + (p.unit === "ukendt" ? "(ukendt)" : p.unit);
    return "Kommunen" + (p.group ? ": " + (GROUP[p.group] || p.group) : ", alle målgrupper");
  }
  function quotaChart(p, idx) {
    const months = p.rows.slice(-12);
    const W = 420, H = 230, left = 44, right = 8, top = 16, bottom = 34;
    const bw = (W - left - right) / Math.max(months.length, 1);
    const y = (v) => top + (1 - v) * (H - top - bottom);
    const id = "qc-" + idx;
    const title = quotaTitle(p);
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart quota-chart", role: "img", "aria-labelledby": id + "-t" },
      svg("title", { id: id + "-t" }, `${title}: andel holdt rettidigt pr. måned mod 75 %, og andel undtaget mod loftet på 25 % (foreløbig opgørelse)`));
    for (const v of [0, 0.25, 0.5, 0.75, 1])
      chart.append(svg("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid" }), svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, pct(v)));
    months.forEach((m, i) => {
      const share = typeof m.share === "number" ? m.share : 0;
      const und = m.cohort ? m.undtaget / m.cohort : 0;
      const x = left + i * bw + bw * 0.1;
      const w = bw * 0.38;
      chart.append(
        svg("rect", { x, y: y(share), width: w, height: y(0) - y(share), fill: share >= QLINE ? "#1e7b34" : "#b3261e", class: "bar held" },
          svg("title", {}, `${K.fmtMonth(m.month)}: ${pct(share)} holdt rettidigt (${m.held} af ${m.cohort})`)),
        svg("rect", { x: x + w + bw * 0.04, y: y(und), width: w, height: y(0) - y(und), fill: `url(#${id}-hatch)`, stroke: "#4a525c", class: "bar undtaget" },
          svg("title", {}, `${K.fmtMonth(m.month)}: ${pct(und)} undtaget (${m.undtaget} af ${m.cohort})`)),
        i % Math.ceil(months.length / 6) === 0 ? svg("text", { x: x + w, y: H - bottom + 16, "text-anchor": "middle" }, monthTick(m.month)) : null);
    });
    chart.prepend(svg("defs", {}, svg("pattern", { id: id + "-hatch", width: 5, height: 5, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      svg("rect", { width: 5, height: 5, fill: "#ffffff" }), svg("rect", { width: 2.5, height: 5, fill: "#6b6f76" }))));
    chart.append(svg("line", { x1: left, x2: W - right, y1: y(QLINE), y2: y(QLINE), class: "target" }),
      svg("text", { x: W - right - 4, y: y(QLINE) - 6, "text-anchor": "end", class: "warn" }, "mål 75 %"),
      svg("line", { x1: left, x2: W - right, y1: y(QCEIL), y2: y(QCEIL), class: "ceiling" }),
      svg("text", { x: W - right - 4, y: y(QCEIL) - 6, "text-anchor": "end", class: "ceiling-label" }, "loft 25 % undtaget"),
      svg("line", { x1: left, x2: W - right, y1: y(0), y2: y(0), class: "axis" }));
    const last = p.rows[p.rows.length - 1];
    const flags = h("ul.flags", { "aria-label": "Flag for " + K.fmtMonth(last.month) },
      (last.flags || []).length ? last.flags.map((f) => h("li.flag", { "data-flag": f, text: FLAG[f] || f }))
        : h("li.flag." + (last.cohort >= 10 ? "ok" : "none"), { text: last.cohort >= 10 ? "Ingen flag" : "Under 10 i opgørelsen: ikke bedømt" }));
    const table = h("details", {}, h("summary", { text: "Vis tallene" }),
      h("div.table-wrap", {}, h("table", {},
        h("thead", {}, h("tr", {}, ["Måned", "I opgørelsen", "Holdt", "Undtaget", "For sent", "Overskredet", "Andel", "Flag"].map((t) => h("th", { scope: "col", text: t })))),
        h("tbody", {}, p.rows.map((m) => h("tr", {}, h("td", { text: K.fmtMonth(m.month) }), h("td", { text: m.cohort }), h("td", { text: m.held }), h("td", { text: m.undtaget }),
          h("td", { text: m.late }), h("td", { text: m.overdue }), h("td", { text: typeof m.share === "number" ? pct(m.share) : "–" }),
          h("td", { text: (m.flags || []).map((f) => FLAG[f] || f).join(", ") || "–" })))))));
    return h("figure.card", { "data-population": p.population, "data-unit": p.unit, "data-group": p.group || "" },
      h("h3", { text: title }), h("p.muted", { text: "Seneste måned " + K.fmtMonth(last.month) + ":" }), flags, chart,
      h("ul.legend", {}, h("li", {}, h("span.sw.met"), "Holdt rettidigt (rød under 75 %)"), h("li", {}, h("span.sw.shade"), "Undtaget efter konkret vurdering")),
      table);
  }
  async function quotaSection(today) {
    const sec = h("section", { "aria-labelledby": "q-h", id: "quota" },
      h("h2", { id: "q-h" }, "75 %-reglen pr. målgruppe og måned ", K.mark("provisional", "foreløbig opgørelse",
        "Opgørelsen er kontakts egen fortolkning af reformen fra 1. juli 2026; den officielle opgørelse forelå ikke. Tallene kan ændre sig.")),
      h("p.muted", { text: "Andel af pligterne efter 75 %-reglen med frist i måneden, der blev holdt rettidigt (den stiplede røde linje er 75 %), og andel undtaget efter konkret vurdering (den prikkede linje er loftet på 25 %). Bortfaldne og af anden grund fritagne pligter tæller ikke med." }));
    const r = await K.api("GET", "/v1/reports/quota?rolling=false");
    if (r.status !== 200) {
      sec.append(r.status === 501 || (r.status === 400 && /not implemented/.test((r.problem && r.problem.detail) || ""))
        ? h("p.notice", { text: "Serveren kan endnu ikke opgøre 75 %-reglen." })
        : K.problemBox(r.problem, "Opgørelsen af 75 %-reglen kunne ikke hentes."));
      return sec;
    }
    const pops = new Map();
    for (const row of r.data.rows || []) {
      if (row.measure !== "quota_75") continue;
      const key = [row.population, row.unit, row.group || ""].join("|");
      if (!pops.has(key)) pops.set(key, { population: row.population, unit: row.unit, group: row.group, rows: [] });
      pops.get(key).rows.push(row);
    }
    const order = { a_kasse: 0, kommune: 1 }, gorder = { "": 0, dp: 1, kh: 2, uh: 3, ly: 4 };
    const list = [...pops.values()].sort((a, b) => (order[a.population] - order[b.population]) || a.unit.localeCompare(b.unit) || (gorder[a.group || ""] - gorder[b.group || ""]));
    for (const p of list) p.rows.sort((a, b) => a.month.localeCompare(b.month));
    sec.append(list.length ? h("div.grid2", {}, list.map(quotaChart)) : h("p", { text: "Ingen pligter efter 75 %-reglen med frist i perioden." }));
    return sec;
  }

  async function ledelsePage() {
    const today = (K.me && K.me.today) || new Date().toISOString().slice(0, 10);
    const out = h("div", { id: "reports" }, h("p.loading", { text: "Henter rapporterne …" }));
    K.setPage("Ledelse", "ledelse", h("h1", { text: "Ledelse" }), out);
    if (K.me && K.me.role === "caseworker") {
      out.replaceChildren(h("div.notice", { text: "Rapporter og prognoser er for ledere og revisorer." }));
      return;
    }
    const seq = K.pageSeq;
    const [t, f, q] = await Promise.all([K.api("GET", "/v1/reports/timeliness"), K.api("GET", "/v1/forecast"), quotaSection(today)]);
    if (seq !== K.pageSeq) return; // the user has moved on
    let timeliness = t.status === 200 ? t.data : null;
    let forecast = f.status === 200 ? f.data : null;
    const parts = [];
    const stale = (timeliness && timeliness.stale_note) || (forecast && forecast.stale_note);
    if (stale) parts.push(h("p.notice", { id: "stale-plans", text: K.daText(stale) }));
    if (!timeliness || !forecast) {
      if ((t.status && t.status !== 501) || (f.status && f.status !== 501)) {
        parts.push(K.problemBox(t.status !== 200 && t.status !== 501 ? t.problem : f.problem, "En rapport kunne ikke hentes."));
      }
      const here = await computeHere(today);
      if (seq !== K.pageSeq) return;
      if (here.problem) {
        out.replaceChildren(...parts, K.problemBox(here.problem, "Rapporterne kunne ikke beregnes."));
        return;
      }
      parts.push(h("p.notice", { text: "Serveren har endnu ikke disse rapporter; tallene er beregnet her ud fra sagernes planer" + (here.more ? " (de første 200 sager)." : ".") }));
      timeliness = timeliness || here.timeliness;
      forecast = forecast || here.forecast;
    }
    const groups = timeliness.groups || [];
    parts.push(h("section", { "aria-labelledby": "t-h", id: "timeliness" }, h("h2", { id: "t-h", text: "Rettidighed pr. målgruppe og måned" }),
      h("p.muted", { text: "Andel af pligter med frist i måneden, der blev opfyldt rettidigt. Den stiplede linje er målet på 80 %." }),
      groups.length ? h("div.grid2", {}, groups.map(timelinessChart)) : h("p", { text: "Ingen pligter med frist endnu." })));
    parts.push(h("section", { "aria-labelledby": "f-h", id: "forecast" }, h("h2", { id: "f-h", text: "Arbejdsbyrde pr. uge" }),
      h("p.muted", { text: "Åbne og overskredne frister fordelt på de kommende uger (overskredne tælles i denne uge)." }),
      forecastChart(forecast.weeks || [])));
    parts.push(q);
    out.replaceChildren(...parts);
  }

  K.routes.ledelse = ledelsePage;
})();

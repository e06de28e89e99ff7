/* planlaegning.js -- the page Planlægning (issue 14): a week per caseworker
 * with the proposed and booked conversations (GET /v1/schedule), the
 * over-full days and the duties that cannot be met on time; a proposal is
 * booked with one click (POST /v1/cases/{id}/bookings). docs/schedule.md. */
"use strict";

(function () {
  const K = window.K;
  const h = K.h;
  const WEEKS = 6;
  const DAYS = ["man", "tir", "ons", "tor", "fre"];

  function monday(iso) {
    const dow = (new Date(iso + "T00:00:00Z").getUTCDay() + 6) % 7;
    return K.addDays(iso, -dow);
  }

  function entry(p, canBook, seq) {
    const rules = p.duties.map((d) => d.rule).join(", ") || "ingen pligt";
    const parts = [
      h("a", { href: "#/borger/" + encodeURIComponent(p.case_id), text: p.case_id }),
      h("span.muted", { text: " " + rules }),
    ];
    if (p.late) parts.push(h("span.badge.overdue", { text: "efter fristen" }));
    if (p.holder === "faelles") parts.push(h("span.badge", { text: "fælles med a-kassen" }));
    if (p.agenda) parts.push(h("span.muted", { text: " · dagsorden " + p.agenda.conversation }));
    if (p.booked) {
      parts.push(h("span.badge.met", { text: "booket" }));
    } else if (canBook) {
      const b = h("button.secondary.book", {
        type: "button",
        text: "Book",
        "aria-label": `Book samtale med ${p.case_id} ${K.fmtDate(p.date)}`,
        onclick: async () => {
          b.disabled = true;
          const r = await K.api("POST", "/v1/cases/" + encodeURIComponent(p.case_id) + "/bookings",
            { date: p.date, caseworker: p.caseworker });
          if (seq !== K.pageSeq) return;
          if (r.status === 200 || r.status === 201) {
            K.announce("Samtalen med " + p.case_id + " er booket " + K.fmtDate(p.date) + ".");
            K.route();
          } else {
            b.disabled = false;
            b.replaceWith(K.problemBox(r.problem, "Samtalen kunne ikke bookes."));
          }
        },
      });
      parts.push(" ", b);
    }
    return h("li" + (p.booked ? ".booked" : ""), {}, ...parts);
  }

  async function planPage() {
    const seq = K.pageSeq;
    const params = new URLSearchParams(location.hash.split("?")[1] || "");
    const week = Math.min(WEEKS - 1, Math.max(0, parseInt(params.get("uge") || "0", 10) || 0));
    const cw = params.get("sagsbehandler") || "";
    const today = (K.me && K.me.today) || new Date().toISOString().slice(0, 10);
    const start = K.addDays(monday(today), 7 * week);
    const days = DAYS.map((_, i) => K.addDays(start, i));
    const go = (w, c) => {
      const q = new URLSearchParams();
      if (w) q.set("uge", String(w));
      if (c) q.set("sagsbehandler", c);
      location.hash = "#/planlaegning" + (q.toString() ? "?" + q.toString() : "");
    };
    const cwInput = h("input", { id: "p-cw", name: "sagsbehandler", value: cw, autocomplete: "off" });
    const nav = h("form.filters", {
      onsubmit: (ev) => {
        ev.preventDefault();
        go(week, cwInput.value.trim());
      },
    },
      h("div.field", {}, h("label", { for: "p-cw", text: "Sagsbehandler" }), cwInput),
      h("div.field", {}, h("button", { type: "submit", text: "Vis" })),
      h("div.field", {}, h("button.secondary", { type: "button", disabled: week === 0, text: "Forrige uge", onclick: () => go(week - 1, cw) })),
      h("div.field", {}, h("button.secondary", { type: "button", disabled: week === WEEKS - 1, text: "Næste uge", onclick: () => go(week + 1, cw) })));
    const body = h("div", { id: "plan" }, h("p.loading", { text: "Beregner planen …" }));
    K.setPage("Planlægning", "planlaegning", h("h1", { text: "Planlægning" }),
      h("p.muted", { text: `Forslag til samtaler inden for lovens vinduer og sagsbehandlernes kapacitet, ugen fra ${K.fmtDate(start)}. I dag er ${K.fmtDate(today)}. Planen beregnes forfra hver gang; kun bookede samtaler gemmes.` }),
      nav, body);

    const q = new URLSearchParams({ weeks: String(week + 1) });
    if (cw) q.set("caseworker", cw);
    const r = await K.api("GET", "/v1/schedule?" + q.toString());
    if (seq !== K.pageSeq) return;
    if (r.status !== 200) {
      body.replaceChildren(K.problemBox(r.problem, "Planen kunne ikke hentes."));
      return;
    }
    const d = r.data;
    const canBook = K.me && K.me.role !== "auditor";
    const parts = [];
    for (const s of d.summary) {
      let t = `${s.conversations} samtaler foreslået og ${s.booked} booket i de næste ${d.weeks} uger. ` +
        `${s.short_duties} pligter kan ikke nås rettidigt med kapaciteten; der mangler ${s.extra_slots} pladser, og ${s.overfull_days} dage er overfyldte.`;
      if (s.overdue_duties) t += ` ${s.overdue_duties} pligter var allerede overskredet.`;
      parts.push(h("p.notice", { text: t }));
      if (s.quota.duties)
        parts.push(h("p.notice", {
          text: `75 %-regler (foreløbig): ${s.quota.exemptions_needed} af ${s.quota.duties} pligter ville kræve undtagelse efter konkret vurdering for at passe til kapaciteten` +
            (s.quota.over_25 ? " – over 25 %." : ".") + " Det er sagsbehandlerens vurdering; kontakt undtager ingen.",
        }));
    }
    // caseworker -> day -> {slots, used, overfull, items}
    const grid = new Map();
    const cell = (w, day) => {
      if (!grid.has(w)) grid.set(w, new Map());
      const g = grid.get(w);
      if (!g.has(day)) g.set(day, { slots: null, used: 0, overfull: false, items: [] });
      return g.get(day);
    };
    for (const x of d.days) if (x.date >= start) Object.assign(cell(x.caseworker, x.date), { slots: x.slots, used: x.used, overfull: x.overfull });
    for (const p of d.proposals) if (p.date >= start) cell(p.caseworker, p.date).items.push(p);
    const head = h("tr", {}, h("th", { scope: "col", text: "Sagsbehandler" }),
      days.map((day, i) => h("th", { scope: "col", text: `${DAYS[i]} ${K.fmtDate(day)}` })));
    const rows = [...grid.keys()].sort().map((w) => h("tr", {},
      h("th", { scope: "row", text: w }),
      days.map((day, i) => {
        const c = grid.get(w).get(day);
        const label = { "data-label": `${DAYS[i]} ${K.fmtDate(day)}` };
        if (!c || c.slots === null) return h("td.closed", label, h("span.muted", { text: day < today ? "–" : "lukket" }));
        return h("td" + (c.overfull ? ".overfull" : ""), label,
          h("div.muted", { text: `${c.used} af ${c.slots} pladser` + (c.overfull ? " · overfyldt" : "") }),
          h("ul.plan", {}, c.items.map((p) => entry(p, canBook, seq))));
      })));
    parts.push(rows.length
      ? h("table.week", {}, h("caption", { text: "Ugen pr. sagsbehandler" }), h("thead", {}, head), h("tbody", {}, rows))
      : h("p", { text: "Ingen sagsbehandlere med sager eller kapacitet." }));
    if (d.shortfall.length) {
      const what = (s) => (s.overdue ? "allerede overskredet; " : "") + (s.late ? `${s.late} efter fristen` : "") +
        (s.late && s.missing ? ", " : "") + (s.missing ? `${s.missing} uden tid` : "");
      const shortRows = d.shortfall.slice(0, 200).map((s) => h("tr", {},
        h("td", { "data-label": "Frist", text: K.fmtDate(s.window.to) }),
        h("td", { "data-label": "Sagsbehandler", text: s.caseworker || "–" }),
        h("td", { "data-label": "Borger" }, h("a", { href: "#/borger/" + encodeURIComponent(s.case_id), text: s.case_id })),
        h("td", { "data-label": "Regel", text: s.rule }),
        h("td", { "data-label": "Samtaler", text: what(s) })));
      const headRow = h("tr", {}, ["Frist", "Sagsbehandler", "Borger", "Regel", "Samtaler"].map((t) => h("th", { scope: "col", text: t })));
      parts.push(h("h2", { text: "Kan ikke nås rettidigt" }),
        h("table", {}, h("thead", {}, headRow), h("tbody", {}, shortRows)));
    }
    body.replaceChildren(...parts);
  }

  K.routes.planlaegning = planPage;
})();

/* borger.js -- the case page (Borger): facts, an SVG timeline, the plan
 * table with why and source, and forms to record a conversation or an
 * event; the answer carries the new plan, which is drawn at once. */
"use strict";

(function () {
  const K = window.K;
  const h = K.h;
  const svg = K.svg;

  const EVENT_TYPES = {
    cv_samtale: ["CV-samtale (a-kasse)", "date"],
    cv_oprettet: ["CV oprettet på Jobnet", "date"],
    cv_godkendt: ["CV godkendt", "date"],
    laese_skrive_regnetest: ["Læse-, skrive- og regnetest taget", "date"],
    kursus_oensket: ["Ønsker læse-, skrive-, regne- eller ordblindekursus", "date"],
    barsel: ["Barsel", "period"],
    sygemeldt: ["Sygemeldt", "period"],
    alvorlig_sygdom: ["Alvorlig sygdom", "period"],
    tilbud: ["I beskæftigelsestilbud", "period"],
    jobstart: ["Jobstart inden for 6 uger", "date"],
    arbejdsfordeling: ["Arbejdsfordeling", "period"],
    hjemsendt: ["Hjemsendt", "period"],
    seks_ugers_jobrettet_uddannelse: ["Seks ugers jobrettet uddannelse", "period"],
    stu: ["STU", "period"],
    ansaettelseskontrakt: ["Ansættelseskontrakt (revalidering)", "date"],
    udeblivelse: ["Udeblivelse", "date"],
    koordinerende_sagsbehandler: ["Koordinerende sagsbehandler tildelt", "date"],
    seks_ugers_oensket: ["Ønsker seks ugers jobrettet uddannelse", "date"],
    fritaget: ["Fritaget af anden grund", "period"],
  };
  // events during which the duty to hold conversations may stand still
  // the events that exempt from the contact process and stop the benefit
  // clock (rules.md, exemptions); sickness, offers and work-sharing only
  // change which forms count, so they are not shaded
  const SHADED = new Set(["barsel", "seks_ugers_jobrettet_uddannelse", "stu", "fritaget"]);
  const COLOR = { met: "#1e7b34", late: "#8a5a00", open: "#0b5cad", overdue: "#b3261e", exempt: "#6b6f76", lapsed: "#6b6f76" };

  const MON = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."];

  /* ---- timeline ------------------------------------------------------------------ */
  function timeline(c, plan) {
    const asOf = plan.as_of;
    const dates = [asOf];
    for (const b of c.benefits || []) dates.push(b.from, b.to || asOf);
    for (const o of plan.obligations) dates.push(o.window.from, o.window.to || o.window.from);
    for (const v of c.conversations || []) dates.push(v.date);
    let lo = dates.filter(Boolean).reduce((a, b) => (a < b ? a : b));
    let hi = dates.filter(Boolean).reduce((a, b) => (a > b ? a : b));
    lo = K.addDays(lo, -7);
    hi = K.addDays(hi, 14);
    const d0 = K.dayNum(lo), d1 = K.dayNum(hi);
    const W = 960, left = 8, right = 8, lane = 16;
    const x = (iso) => left + ((K.dayNum(iso) - d0) / (d1 - d0)) * (W - left - right);
    const obs = plan.obligations;
    const top = 40, benefitY = top, convY = top + 34, obY = convY + 30;
    const H = obY + obs.length * lane + 24;
    const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart timeline", role: "img", "aria-labelledby": "tl-title tl-desc", id: "timeline" },
      svg("title", { id: "tl-title" }, "Tidslinje for " + c.id),
      svg("desc", { id: "tl-desc" }, `Ydelsesperioder, ${obs.length} pligter farvet efter status, ${(c.conversations || []).length} samtaler og perioder med fritagelse. Samme oplysninger står i tabellen nedenfor.`),
      svg("defs", {}, svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        svg("rect", { width: 6, height: 6, fill: "#ffffff" }), svg("rect", { width: 3, height: 6, fill: "#d2d2d2" }))));
    // month grid
    let m = lo.slice(0, 8) + "01";
    while (m <= hi) {
      if (m >= lo) {
        const xm = x(m);
        g.append(svg("line", { x1: xm, x2: xm, y1: 18, y2: H - 8, class: "grid" }),
          svg("text", { x: xm + 3, y: 14 }, MON[+m.slice(5, 7) - 1] + (m.slice(5, 7) === "01" ? " " + m.slice(0, 4) : "")));
      }
      const y = +m.slice(0, 4), mo = +m.slice(5, 7);
      m = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, "0")}-01`;
    }
    // exemptions shaded over everything
    for (const e of c.events || []) {
      if (!SHADED.has(e.type) || !e.from) continue;
      const to = e.to || hi;
      g.append(svg("rect", { x: x(e.from), y: 20, width: Math.max(2, x(to) - x(e.from)), height: H - 30, fill: "url(#hatch)", opacity: 0.9 },
        svg("title", {}, `${(EVENT_TYPES[e.type] || [e.type])[0]}: ${K.fmtDate(e.from)} – ${e.to ? K.fmtDate(e.to) : "løbende"}`)));
    }
    // benefits
    g.append(svg("text", { x: left, y: benefitY - 4 }, "Ydelse"));
    for (const b of c.benefits || []) {
      const to = b.to || hi;
      g.append(svg("rect", { x: x(b.from), y: benefitY, width: Math.max(2, x(to) - x(b.from)), height: 14, fill: "#9cc3e8", stroke: "#12355b" },
        svg("title", {}, `${K.BENEFIT[b.benefit] || b.benefit}: ${K.fmtDate(b.from)} – ${b.to ? K.fmtDate(b.to) : "løbende"}`)),
        svg("text", { x: x(b.from) + 4, y: benefitY + 11 }, K.BENEFIT[b.benefit] || b.benefit));
    }
    // conversations
    g.append(svg("text", { x: left, y: convY - 4 }, "Samtaler"));
    for (const v of c.conversations || []) {
      const held = v.held !== false;
      g.append(svg("circle", { cx: x(v.date), cy: convY + 7, r: 6, fill: held ? "#1b1f24" : "#ffffff", stroke: "#1b1f24", "stroke-width": 2, class: "conv-mark" },
        svg("title", {}, `${K.fmtDate(v.date)}: ${K.HOLDER[v.holder] || v.holder}, ${K.FORM[v.form] || v.form}${held ? "" : " (ikke holdt)"}`)));
    }
    // obligations, one lane each
    g.append(svg("text", { x: left, y: obY - 4 }, "Pligter"));
    obs.forEach((o, i) => {
      const y = obY + i * lane;
      const to = o.window.to || hi;
      const w = Math.max(3, x(to) - x(o.window.from));
      g.append(svg("rect", { x: x(o.window.from), y: y + 2, width: w, height: lane - 5, rx: 2, fill: COLOR[o.status] || "#6b6f76", class: "ob-bar ob-" + o.status },
        svg("title", {}, `${o.rule} (${K.STATUS[o.status] || o.status}): ${K.fmtDate(o.window.from)} – ${o.window.to ? K.fmtDate(o.window.to) : "åben"}`)));
      if (o.met_on) g.append(svg("path", { d: `M ${x(o.met_on)} ${y + 1} l 4 6 l -4 6 l -4 -6 z`, fill: "#ffffff", stroke: "#1b1f24" }));
    });
    // today
    const xt = x(asOf);
    g.append(svg("line", { x1: xt, x2: xt, y1: 18, y2: H - 6, stroke: "#b3261e", "stroke-width": 2 }),
      svg("text", { x: Math.min(xt + 4, W - 60), y: H - 8, fill: "#b3261e" }, "I dag " + K.fmtDate(asOf).slice(0, -5)));
    return h("div", {}, h("div.timeline-wrap", {}, g),
      h("ul.legend", { "aria-label": "Signaturforklaring" },
        h("li", {}, h("span.sw.benefit"), "Ydelse"), h("li", {}, h("span.sw.conv"), "Samtale (hul: ikke holdt)"),
        ["met", "late", "open", "overdue", "exempt"].map((s) => h("li", {}, h("span.sw." + s), K.STATUS[s])),
        h("li", {}, h("span.sw.shade"), "Fritagelse (uret står stille)")));
  }

  /* ---- plan table ------------------------------------------------------------------ */
  function planTable(plan) {
    // On a phone the table is stacked (app.css, table.stack): each cell says
    // what it is (data-label). The rule's source: the law reference, and the
    // seed file it was read from behind "kilde".
    const source = (src) => {
      if (!src || (!src.law && !src.seed)) return "–";
      return [src.law ? h("span.law", { text: src.law }) : null,
        src.seed ? h("details.kilde", {}, h("summary", { text: "kilde" }), h("span.muted", { text: src.seed })) : null];
    };
    const rows = plan.obligations.map((o) => h("tr", { "data-rule": o.rule, "data-status": o.status },
      h("td", { "data-label": "Status" }, K.badge(o.status), o.met_on ? h("div.muted", { text: "d. " + K.fmtDate(o.met_on) }) : null),
      h("td", { "data-label": "Pligt" }, h("strong", { text: K.KIND[o.kind] || o.kind }), h("div.muted", { text: o.rule + " · " + o.generation }), K.marks(o)),
      h("td.nowrap.deadline", { "data-label": "Vindue", text: K.fmtDate(o.window.from) + " – " + (o.window.to ? K.fmtDate(o.window.to) : "åben") }),
      h("td.nowrap", { "data-label": "Samtaler", text: o.kind === "samtale" || o.required > 1 ? `${o.counted} af ${o.required}` : "–" }),
      h("td.why", { "data-label": "Hvorfor", text: K.daText(o.why) }),
      h("td.source", { "data-label": "Kilde" }, source(o.source))));
    const warnings = (plan.warnings || []).map((w) => h("li", { text: K.daText(w.message || w.code) }));
    return h("div", {},
      h("div.table-wrap", {}, h("table", { id: "plan-table", class: "stack" },
        h("caption", { text: `Plan pr. ${K.fmtDate(plan.as_of)}: ${plan.obligations.length} pligter` }),
        h("thead", {}, h("tr", {}, ["Status", "Pligt", "Vindue", "Samtaler", "Hvorfor", "Kilde"].map((t) => h("th", { scope: "col", text: t })))),
        h("tbody", {}, rows))),
      warnings.length ? h("div.notice", {}, h("strong", { text: "Bemærk" }), h("ul", {}, warnings)) : null);
  }

  /* ---- forms -------------------------------------------------------------------------- */
  function field(id, label, control, hint) {
    return h("div.field", {}, h("label", { for: id, text: label }), hint ? h("span.hint", { id: id + "-hint", text: hint }) : null, control, h("span.error", { id: id + "-err", "aria-live": "polite" }));
  }
  function select(id, name, options, value) {
    return h("select", { id, name }, Object.entries(options).map(([v, t]) => h("option", { value: v, selected: v === value, text: t })));
  }
  // Marks the fields named in a problem's pointer ("/date" -> the date input).
  function markProblems(form, problem, fieldOf) {
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const el of form.querySelectorAll(".error")) el.textContent = "";
    let first = null;
    for (const q of (problem && problem.problems) || []) {
      const key = (q.pointer || "").split("/")[1];
      const input = fieldOf(key);
      if (!input) continue;
      input.setAttribute("aria-invalid", "true");
      const err = document.getElementById(input.id + "-err");
      if (err) err.textContent = K.fieldName(q) + " " + K.fieldMessage(q) + ".";
      first = first || input;
    }
    return first;
  }

  function conversationForm(id, today, onDone) {
    const out = h("div", { "aria-live": "polite" });
    const date = h("input", { id: "c-date", name: "date", type: "date", value: today, required: true });
    const holder = select("c-holder", "holder", K.HOLDER, "jobcenter");
    const form_ = select("c-form", "form", K.FORM, "fremmoede");
    const held = h("input", { id: "c-held", name: "held", type: "checkbox", checked: true });
    const btn = h("button", { type: "submit", id: "c-submit", text: "Registrér samtale" });
    const f = h("form.card", {
      id: "conversation-form",
      onsubmit: async (ev) => {
        ev.preventDefault();
        btn.disabled = true;
        out.replaceChildren();
        const body = { date: date.value, holder: holder.value, form: form_.value, held: held.checked };
        const r = await K.api("POST", "/v1/cases/" + encodeURIComponent(id) + "/conversations", body);
        btn.disabled = false;
        if (r.status !== 201 && r.status !== 200) {
          const first = markProblems(f, r.problem, (k) => ({ date, holder, form: form_, held }[k]));
          out.append(K.problemBox(r.problem, "Samtalen blev ikke registreret."));
          (first || btn).focus();
          return;
        }
        markProblems(f, null, () => null);
        onDone(r.data, r.status === 200 ? "Samtalen d. " + K.fmtDate(body.date) + " var allerede registreret; intet er ændret."
          : "Samtalen d. " + K.fmtDate(body.date) + " er registreret, og planen er opdateret.");
      },
    },
      h("fieldset", {}, h("legend", { text: "Registrér en samtale" }),
        h("div.row", {}, field("c-date", "Dato", date), field("c-holder", "Holdt af", holder), field("c-form", "Form", form_)),
        h("div.check", {}, held, h("label", { for: "c-held", text: "Samtalen blev holdt (fjern fluebenet ved udeblivelse eller aflysning)" })),
        btn),
      out);
    return f;
  }

  function eventForm(id, today, onDone) {
    const out = h("div", { "aria-live": "polite" });
    const type = h("select", { id: "e-type", name: "type" }, Object.entries(EVENT_TYPES).map(([v, [t]]) => h("option", { value: v, text: t })));
    const date = h("input", { id: "e-date", name: "date", type: "date", value: today });
    const from = h("input", { id: "e-from", name: "from", type: "date", value: today });
    const to = h("input", { id: "e-to", name: "to", type: "date" });
    const reason = h("input", { id: "e-reason", name: "reason", type: "text", autocomplete: "off" });
    const what = h("input", { id: "e-what", name: "what", type: "text", autocomplete: "off" });
    const dateBox = field("e-date", "Dato", date);
    const fromBox = field("e-from", "Fra", from);
    const toBox = field("e-to", "Til (tom: løbende)", to);
    const reasonBox = field("e-reason", "Begrundelse (regel)", reason, "Fx den regel om fritagelse, der bruges");
    const whatBox = field("e-what", "Hvad", what, "Fx ordinært arbejde, fleksjob, efterløn");
    const sync = () => {
      const kind = EVENT_TYPES[type.value][1];
      dateBox.hidden = kind !== "date";
      fromBox.hidden = toBox.hidden = kind !== "period";
      reasonBox.hidden = type.value !== "fritaget";
      whatBox.hidden = type.value !== "jobstart";
    };
    type.addEventListener("change", sync);
    const btn = h("button", { type: "submit", id: "e-submit", text: "Registrér hændelse" });
    const f = h("form.card", {
      id: "event-form",
      onsubmit: async (ev) => {
        ev.preventDefault();
        const kind = EVENT_TYPES[type.value][1];
        const body = { type: type.value };
        if (kind === "date") body.date = date.value;
        else {
          body.from = from.value;
          if (to.value) body.to = to.value;
        }
        if (type.value === "fritaget" && reason.value) body.reason = reason.value;
        if (type.value === "jobstart" && what.value) body.what = what.value;
        btn.disabled = true;
        out.replaceChildren();
        const r = await K.api("POST", "/v1/cases/" + encodeURIComponent(id) + "/events", body);
        btn.disabled = false;
        if (r.status !== 201 && r.status !== 200) {
          const first = markProblems(f, r.problem, (k) => ({ type, date, from, to, reason, what }[k]));
          out.append(K.problemBox(r.problem, "Hændelsen blev ikke registreret."));
          (first || btn).focus();
          return;
        }
        markProblems(f, null, () => null);
        onDone(r.data, r.status === 200 ? "Hændelsen var allerede registreret; intet er ændret."
          : "Hændelsen er registreret, og planen er opdateret.");
      },
    },
      h("fieldset", {}, h("legend", { text: "Registrér en hændelse" }),
        field("e-type", "Hændelse", type),
        h("div.row", {}, dateBox, fromBox, toBox), reasonBox, whatBox, btn),
      out);
    sync();
    return f;
  }

  /* "Undtaget efter konkret vurdering" (g2026): the holder's decision that
   * the person needs none of the 75 %-rule's conversations. A decision is
   * known by holder and date; "Tilbagekald" sends it again with `to`, which
   * the server records as a correction of that decision. */
  const UK = "undtaget_konkret_vurdering";
  const UK_HOLDER = { jobcenter: "Jobcentret", a_kasse: "A-kassen" };
  function undtagetForm(id, c, today, onDone) {
    const out = h("div", { "aria-live": "polite" });
    const send = async (body, btn, ok, fail, fieldOf) => {
      btn.disabled = true;
      out.replaceChildren();
      const r = await K.api("POST", "/v1/cases/" + encodeURIComponent(id) + "/events", body);
      btn.disabled = false;
      if (r.status !== 201 && r.status !== 200) {
        const first = markProblems(f, r.problem, fieldOf || (() => null));
        out.append(K.problemBox(r.problem, fail));
        (first || btn).focus();
        return;
      }
      markProblems(f, null, () => null);
      onDone(r.data, r.status === 200 ? "Afgørelsen var allerede registreret; intet er ændret." : ok);
    };
    const decisions = (c.events || []).filter((e) => e.type === UK);
    const list = decisions.length
      ? h("ul.decisions", { id: "uk-list" }, decisions.map((e, i) => {
          const who = UK_HOLDER[e.holder] || e.holder;
          const label = `${who}: undtaget fra ${K.fmtDate(e.date)}` + (e.to ? `, tilbagekaldt fra ${K.fmtDate(e.to)}` : "");
          if (e.to) {
            const again = h("button.secondary", { type: "button", id: "uk-reinstate-" + i, text: "Fortryd tilbagekaldelsen" });
            again.addEventListener("click", () => send({ type: UK, date: e.date, holder: e.holder }, again,
              `${who}s afgørelse fra ${K.fmtDate(e.date)} gælder igen, og planen er opdateret.`, "Tilbagekaldelsen blev ikke fortrudt."));
            return h("li", { "data-holder": e.holder }, h("span", { text: label }), " ", again);
          }
          const to = h("input", { id: "uk-to-" + i, name: "to", type: "date", value: today > e.date ? today : e.date, required: true });
          const btn = h("button.secondary", { type: "button", id: "uk-revoke-" + i, text: "Tilbagekald" });
          btn.addEventListener("click", () => send({ type: UK, date: e.date, holder: e.holder, to: to.value }, btn,
            `${who}s afgørelse fra ${K.fmtDate(e.date)} er tilbagekaldt fra ${K.fmtDate(to.value)}, og planen er opdateret.`,
            "Afgørelsen blev ikke tilbagekaldt.", (k) => (k === "to" ? to : null)));
          return h("li", { "data-holder": e.holder }, h("span", { text: label }),
            h("div.row", {}, field("uk-to-" + i, "Tilbagekaldt fra", to), h("div.field", {}, btn)));
        }))
      : h("p.muted", { id: "uk-list", text: "Ingen afgørelser registreret." });
    const holder = select("uk-holder", "holder", UK_HOLDER, "jobcenter");
    const date = h("input", { id: "uk-date", name: "date", type: "date", value: today, required: true });
    const btn = h("button", { type: "submit", id: "uk-submit", text: "Registrér undtagelse" });
    const f = h("form.card", {
      id: "undtaget-form",
      onsubmit: (ev) => {
        ev.preventDefault();
        send({ type: UK, date: date.value, holder: holder.value }, btn,
          `${UK_HOLDER[holder.value]}s undtagelse fra ${K.fmtDate(date.value)} er registreret, og planen er opdateret.`,
          "Undtagelsen blev ikke registreret.", (k) => ({ holder, date }[k]));
      },
    },
      h("fieldset", {}, h("legend", { text: "Undtaget efter konkret vurdering" }),
        h("p.hint", { id: "uk-hint", text: "Fra 1. juli 2026: jobcentret eller a-kassen har konkret vurderet, at borgeren kan komme i job uden samtalerne efter 75 %-reglen. Gælder kun pligter med mærket 75 %-regel; uret står ikke stille." }),
        list,
        h("div.row", {}, field("uk-holder", "Afgjort af", holder), field("uk-date", "Dato for afgørelsen", date)),
        btn),
      out);
    return f;
  }

  async function downloadCalendar(id) {
    const res = await fetch("/v1/cases/" + encodeURIComponent(id) + "/calendar.ics", { headers: { Authorization: "Bearer " + K.token() } });
    if (!res.ok) {
      K.announce("Kalenderen kunne ikke hentes.");
      return;
    }
    const blob = await res.blob();
    const a = h("a", { href: URL.createObjectURL(blob), download: "kontakt-" + id.replace(/[^A-Za-z0-9._-]/g, "_") + ".ics" });
    document.body.append(a);
    a.click();
    a.remove();
    K.announce("Kalenderfilen er hentet.");
  }

  /* ---- the page ----------------------------------------------------------------------- */
  function render(data, message) {
    const c = data.case, plan = data.plan;
    const canWrite = K.me && (K.me.role === "caseworker" || K.me.role === "manager");
    const today = (K.me && K.me.today) || plan.as_of;
    const ages = (c.benefits || []).map((b) => `${K.BENEFIT[b.benefit] || b.benefit} fra ${K.fmtDate(b.from)}${b.to ? " til " + K.fmtDate(b.to) : ""}`);
    const counts = {};
    for (const o of plan.obligations) counts[o.status] = (counts[o.status] || 0) + 1;
    const planBox = h("section", { id: "plan", "aria-labelledby": "plan-h" },
      h("h2", { id: "plan-h", text: "Plan" }),
      h("ul.counts", { "aria-label": "Pligter pr. status" }, Object.entries(counts).map(([s, n]) => h("li", {}, h("strong", { text: n }), K.STATUS[s] || s))),
      planTable(plan));
    const parts = [
      h("h1", {}, "Borger ", h("span", { id: "case-id", text: c.id })),
      message ? h("div.notice.ok", { role: "status", id: "saved", text: message }) : null,
      h("dl.facts", {},
        h("dt", { text: "Jobcenter" }), h("dd", { text: data.jobcenter }),
        h("dt", { text: "Sagsbehandler" }), h("dd", { text: data.caseworker || "–" }),
        h("dt", { text: "Født" }), h("dd", { text: K.fmtDate(c.person && c.person.birth_date) }),
        h("dt", { text: "Ydelser" }), h("dd", { text: ages.join("; ") || "–" }),
        h("dt", { text: "Hændelser i loggen" }), h("dd", { text: data.events })),
      h("p", {}, h("button.secondary", { type: "button", id: "ics", onclick: () => downloadCalendar(c.id), text: "Hent frister som kalender (.ics)" })),
      h("section", { "aria-labelledby": "tl-h" }, h("h2", { id: "tl-h", text: "Tidslinje" }), timeline(c, plan)),
      planBox,
    ];
    if (canWrite) {
      const done = (d, msg) => {
        render(d, msg);
        K.announce(msg);
        document.getElementById("saved").focus();
      };
      parts.push(h("section", { "aria-labelledby": "rec-h" }, h("h2", { id: "rec-h", text: "Registrér" }),
        h("div.grid2", {}, conversationForm(c.id, today, done), eventForm(c.id, today, done)),
        undtagetForm(c.id, c, today, done)));
    } else {
      parts.push(h("p.muted", { text: "Din rolle kan kun læse." }));
    }
    K.setPage("Borger " + c.id, "borger", ...parts.filter(Boolean));
    const saved = document.getElementById("saved");
    if (saved) saved.setAttribute("tabindex", "-1");
  }

  async function borgerPage(id) {
    if (!id) {
      const f = h("form.filters.card", {
        onsubmit: (ev) => {
          ev.preventDefault();
          const v = ev.target.elements.sag.value.trim();
          if (v) location.hash = "#/borger/" + encodeURIComponent(v);
        },
      }, h("div.field", {}, h("label", { for: "b-case", text: "Sagens id" }), h("input", { id: "b-case", name: "sag", autocomplete: "off", required: true })),
        h("div.field", {}, h("button", { type: "submit", text: "Åbn sag" })));
      K.setPage("Borger", "borger", h("h1", { text: "Borger" }), h("p", { text: "Åbn en sag fra arbejdslisten, eller skriv sagens id." }), f);
      return;
    }
    const seq = K.pageSeq;
    K.setPage("Borger " + id, "borger", h("h1", { text: "Borger " + id }), h("p.loading", { text: "Henter sagen …" }));
    const r = await K.api("GET", "/v1/cases/" + encodeURIComponent(id));
    if (seq !== K.pageSeq) return; // the user has moved on
    if (r.status !== 200) {
      const msg = r.status === 404 ? "Sagen findes ikke." : r.status === 403 ? "Sagen hører til et andet jobcenter. Forsøget er logget." : "Sagen kunne ikke hentes.";
      K.setPage("Borger " + id, "borger", h("h1", { text: "Borger " + id }), K.problemBox(r.problem, msg));
      return;
    }
    render(r.data);
  }

  K.routes.borger = borgerPage;
})();

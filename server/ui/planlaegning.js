/* planlaegning.js -- the page Planlægning (issue 14): a week per caseworker
 * with the proposed and booked conversations (GET /v1/schedule), the
 * over-full days and the duties that cannot be met on time; a proposal is
 * booked with one click (POST /v1/cases/{id}/bookings); a booked one is
 * moved ("Flyt": a new day and caseworker) or cancelled ("Aflys", after a
 * confirmation) in a dialog, by the same POST with its number (replaces).
 * docs/schedule.md. */
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

  // What the last booking, move or cancel said, shown once the week is redrawn.
  let flash = null;

  function after(seq, text, warning) {
    if (seq !== K.pageSeq) return;
    flash = { text, warning: warning ? K.daText(warning) : null };
    K.announce(text + (warning ? " " + K.daText(warning) : ""));
    K.route();
  }

  // A modal dialog (native <dialog>: focus kept inside, Escape closes);
  // focus goes back to the button that opened it.
  function dialog(title, opener, ...content) {
    const d = h("dialog.plan-dialog", { "aria-labelledby": "plan-dialog-title" },
      h("h2", { id: "plan-dialog-title", text: title }), ...content);
    d.addEventListener("close", () => {
      d.remove();
      if (opener.isConnected) opener.focus();
    });
    document.body.append(d);
    d.showModal();
    return d;
  }

  const who = (p) => `${p.case_id} ${K.fmtDate(p.date)} hos ${p.caseworker}`;

  function moveDialog(p, opener, seq, caseworkers, today) {
    const dateIn = h("input", { id: "flyt-dato", name: "dato", type: "date", value: p.date, "aria-describedby": "flyt-dato-hint" });
    const cwIn = h("input", { id: "flyt-cw", name: "sagsbehandler", value: p.caseworker, list: "flyt-cw-liste", autocomplete: "off" });
    const errBox = h("div", { "aria-live": "polite" });
    const submit = h("button", { type: "submit", text: "Flyt samtalen" });
    let d;
    const form = h("form", {
      novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        if (!dateIn.value) {
          errBox.replaceChildren(h("p.notice.error", { role: "alert", text: "Vælg en dag." }));
          dateIn.focus();
          return;
        }
        submit.disabled = true;
        const body = { replaces: p.seq, date: dateIn.value };
        if (cwIn.value.trim()) body.caseworker = cwIn.value.trim();
        const r = await K.api("POST", "/v1/cases/" + encodeURIComponent(p.case_id) + "/bookings", body);
        if (r.status === 200) {
          d.close();
          after(seq, `Samtalen med ${p.case_id} er flyttet til ${K.fmtDate(r.data.date)} hos ${r.data.caseworker}.`, r.data.warning);
        } else {
          submit.disabled = false;
          errBox.replaceChildren(K.problemBox(r.problem, "Samtalen kunne ikke flyttes."));
        }
      },
    },
      h("p", { text: `Samtalen med ${who(p)}.` }),
      h("div.field", {}, h("label", { for: "flyt-dato", text: "Ny dag" }),
        h("span.hint", { id: "flyt-dato-hint", text: `I dag er ${K.fmtDate(today)}.` }), dateIn),
      h("div.field", {}, h("label", { for: "flyt-cw", text: "Sagsbehandler" }), cwIn,
        h("datalist", { id: "flyt-cw-liste" }, caseworkers.map((c) => h("option", { value: c })))),
      errBox,
      h("div.actions", {}, submit,
        h("button.secondary", { type: "button", text: "Fortryd", onclick: () => d.close() })));
    d = dialog("Flyt samtale", opener, form);
    dateIn.focus();
  }

  function cancelDialog(p, opener, seq) {
    const errBox = h("div", { "aria-live": "polite" });
    const yes = h("button.danger", { type: "button", text: "Aflys samtalen" });
    const no = h("button.secondary", { type: "button", text: "Behold den", onclick: () => d.close() });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      const r = await K.api("POST", "/v1/cases/" + encodeURIComponent(p.case_id) + "/bookings", { replaces: p.seq, cancel: true });
      if (r.status === 200) {
        d.close();
        after(seq, `Samtalen med ${p.case_id} ${K.fmtDate(p.date)} er aflyst.`);
      } else {
        yes.disabled = false;
        errBox.replaceChildren(K.problemBox(r.problem, "Samtalen kunne ikke aflyses."));
      }
    });
    const d = dialog("Aflys samtale", opener,
      h("p", { text: `Vil du aflyse samtalen med ${who(p)}? Borgeren skal have besked om aflysningen.` }),
      errBox, h("div.actions", {}, yes, no));
    no.focus();
  }

  function entry(p, canBook, seq, caseworkers, today) {
    const rules = p.duties.map((d) => d.rule).join(", ") || "ingen pligt";
    const parts = [
      h("a", { href: "#/borger/" + encodeURIComponent(p.case_id), text: p.case_id }),
      h("span.muted", { text: " " + rules }),
    ];
    // the marks of its duties: a quota duty is the jobcentre's (the a-kasse's
    // are not planned here); a provisional rule is said to be one
    const marks = K.marks({
      quota: p.duties.some((d) => d.quota) ? { holder: "jobcenter" } : null,
      provisional: p.duties.some((d) => d.provisional),
    });
    if (marks) parts.push(marks);
    if (p.late) parts.push(h("span.badge.overdue", { text: "efter fristen" }));
    if (p.holder === "faelles") parts.push(h("span.badge", { text: "fælles med a-kassen" }));
    if (p.agenda) parts.push(h("span.muted", { text: " · dagsorden " + p.agenda.conversation }));
    if (p.booked) {
      parts.push(h("span.badge.met", { text: "booket" }));
      if (canBook && p.seq) {
        const label = `samtalen med ${p.case_id} ${K.fmtDate(p.date)}`;
        const flyt = h("button.secondary.move", { type: "button", text: "Flyt", "aria-label": "Flyt " + label,
          onclick: () => moveDialog(p, flyt, seq, caseworkers, today) });
        const aflys = h("button.secondary.cancel", { type: "button", text: "Aflys", "aria-label": "Aflys " + label,
          onclick: () => cancelDialog(p, aflys, seq) });
        parts.push(h("span.actions", {}, flyt, aflys));
      }
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
            after(seq, "Samtalen med " + p.case_id + " er booket " + K.fmtDate(p.date) + ".", r.data.warning);
          } else {
            b.disabled = false;
            b.replaceWith(K.problemBox(r.problem, "Samtalen kunne ikke bookes."));
          }
        },
      });
      parts.push(" ", b);
    }
    return h("li" + (p.booked ? ".booked" : ""), { "data-case": p.case_id, "data-seq": p.seq || null }, ...parts);
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
    if (flash) {
      parts.push(h("div.notice.ok", {}, h("p", { text: flash.text })));
      if (flash.warning) parts.push(h("div.notice", {}, h("p", {}, h("strong", { text: "Bemærk: " }), flash.warning)));
      flash = null;
    }
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
    const caseworkers = [...new Set(d.days.map((x) => x.caseworker))].sort();
    const rows = [...grid.keys()].sort().map((w) => h("tr", { "data-caseworker": w },
      h("th", { scope: "row", text: w }),
      days.map((day, i) => {
        const c = grid.get(w).get(day);
        const label = { "data-label": `${DAYS[i]} ${K.fmtDate(day)}`, "data-date": day };
        if (!c || c.slots === null) return h("td.closed", label, h("span.muted", { text: day < today ? "–" : "lukket" }));
        return h("td" + (c.overfull ? ".overfull" : ""), label,
          h("div.muted", { text: `${c.used} af ${c.slots} pladser` + (c.overfull ? " · overfyldt" : "") }),
          h("ul.plan", {}, c.items.map((p) => entry(p, canBook, seq, caseworkers, today))));
      })));
    parts.push(rows.length
      ? h("div.table-wrap", {}, h("table.week", {}, h("caption", { text: "Ugen pr. sagsbehandler" }), h("thead", {}, head), h("tbody", {}, rows)))
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

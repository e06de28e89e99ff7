/* app.js -- the kontakt web UI: API access, routing, login and the
 * worklist (Arbejdsliste). borger.js and ledelse.js add the other pages.
 * No framework, no network but this server. */
"use strict";

(function () {
  const K = (window.K = {});
  const TOKEN_KEY = "kontakt.token";

  /* ---- small DOM helpers ---------------------------------------------------- */
  // h("tag.class", {attr: v, onclick: fn}, child, ...) -- text children are escaped.
  K.h = function h(spec, attrs, ...children) {
    const [tag, ...classes] = spec.split(".");
    const el = document.createElement(tag);
    if (classes.length) el.className = classes.join(" ");
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  };
  const h = K.h;
  K.svg = function svg(tag, attrs, ...children) {
    const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, v);
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  };

  K.announce = function (text) {
    const s = document.getElementById("status");
    s.textContent = "";
    setTimeout(() => (s.textContent = text), 30);
  };

  /* ---- Danish names ----------------------------------------------------------- */
  K.STATUS = { met: "Opfyldt", late: "Opfyldt for sent", open: "Åben", overdue: "Overskredet", exempt: "Fritaget", lapsed: "Bortfaldet" };
  K.HOLDER = { jobcenter: "Jobcenter", a_kasse: "A-kasse", faelles: "Fælles", anden_aktoer: "Anden aktør" };
  K.FORM = { fremmoede: "Fremmøde", telefon: "Telefon", digitalt: "Digitalt", brev: "Brev", uden_kontakt: "Uden kontakt" };
  K.KIND = { samtale: "Samtale", tilbud: "Tilbud", test: "Test", cv: "CV", koordinerende_sagsbehandler: "Koordinerende sagsbehandler", vejledning: "Vejledning" };
  K.BENEFIT = {
    dagpenge: "Dagpenge", kontanthjaelp: "Kontanthjælp", uddannelseshjaelp: "Uddannelseshjælp", integrationsydelse: "Integrationsydelse",
    sygedagpenge: "Sygedagpenge", revalidering: "Revalidering", foertidspension: "Førtidspension", ressourceforloeb: "Ressourceforløb",
    jobafklaringsforloeb: "Jobafklaringsforløb", ledighedsydelse: "Ledighedsydelse", arbejdsmarkedsydelse: "Arbejdsmarkedsydelse", kontantydelse: "Kontantydelse",
  };
  /* ---- the marks of g2026: "75 %-regel" and "foreløbig" --------------------------------
   * A focusable mark whose explanation shows on hover and on keyboard focus
   * (in the flow, so nothing is clipped at 360 px), is its accessible
   * description (aria-describedby), and hides again with Escape. */
  K.QUOTA_TIP = {
    jobcenter: "Jobcentret skal holde disse samtaler med mindst 75 % af sine borgere i målgruppen. For de øvrige kan jobcentret efter en konkret vurdering beslutte, at samtalerne ikke er nødvendige (undtaget efter konkret vurdering).",
    a_kasse: "A-kassen skal holde disse samtaler med mindst 75 % af sine dagpengemodtagere. For de øvrige kan a-kassen efter en konkret vurdering beslutte, at samtalerne ikke er nødvendige (undtaget efter konkret vurdering).",
  };
  K.PROVISIONAL_TIP = "Reglen bygger på resuméer af reformen fra 1. juli 2026 (lov nr. 1750 af 29.12.2025), ikke på lovteksten selv. Frist og krav kan ændre sig, når lovteksten foreligger.";
  let tipSeq = 0;
  K.mark = function (cls, label, tip) {
    const id = "tip-" + ++tipSeq;
    const m = h("span.mark." + cls, { tabindex: "0", "aria-describedby": id, text: label });
    const t = h("span.tip", { role: "tooltip", id, text: tip });
    const wrap = h("span.markwrap", {}, m, t);
    m.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") wrap.classList.add("tip-closed");
    });
    m.addEventListener("blur", () => wrap.classList.remove("tip-closed"));
    wrap.addEventListener("mouseleave", () => wrap.classList.remove("tip-closed"));
    return wrap;
  };
  // The marks of an obligation or worklist item: {quota: {holder}, provisional}.
  K.marks = function (o) {
    const out = [];
    const q = o.quota;
    if (q) out.push(K.mark("quota", "75 %-regel", K.QUOTA_TIP[q.holder] || K.QUOTA_TIP.jobcenter));
    if (o.provisional) out.push(K.mark("provisional", "foreløbig", K.PROVISIONAL_TIP));
    return out.length ? h("span.marks", {}, out) : null;
  };
  // Worklist items of a server whose store does not carry the marks: they
  // come from the rule catalogue (/v1/rules), by generation and rule.
  let catalogue = null;
  K.ruleMarks = async function () {
    if (catalogue) return catalogue;
    const r = await K.api("GET", "/v1/rules");
    const map = {};
    for (const g of (r.status === 200 && r.data && r.data.generations) || [])
      for (const rule of g.rules || []) {
        const q = rule.quota || (rule.quota_holder ? { holder: rule.quota_holder } : null);
        map[g.name + "/" + rule.id] = { quota: q, provisional: !!rule.provisional };
      }
    catalogue = map;
    return map;
  };

  K.badge = (status) => h("span.badge." + status, { text: K.STATUS[status] || status });
  K.fmtDate = function (iso) {
    if (!iso) return "–";
    const [y, m, d] = iso.split("-");
    return `${+d}.${+m}.${y}`;
  };
  const MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"];
  K.fmtMonth = (ym) => (ym ? MONTHS[+ym.slice(5, 7) - 1] + " " + ym.slice(0, 4) : "–");
  K.addDays = function (iso, n) {
    const t = Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) + n * 86400000;
    return new Date(t).toISOString().slice(0, 10);
  };
  K.dayNum = (iso) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86400000;

  /* ---- the API ------------------------------------------------------------------ */
  K.token = () => sessionStorage.getItem(TOKEN_KEY);

  // Resolves to {status, data, problem}; never rejects for HTTP errors.
  K.api = async function (method, path, body) {
    const headers = { Accept: "application/json" };
    const t = K.token();
    if (t) headers.Authorization = "Bearer " + t;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { status: 0, problem: { title: "Serveren svarer ikke", detail: String(e) } };
    }
    const ct = res.headers.get("Content-Type") || "";
    let data = null;
    if (ct.includes("json")) data = await res.json().catch(() => null);
    else data = await res.text();
    if (res.status === 401 && path !== "/v1/me") {
      sessionStorage.removeItem(TOKEN_KEY);
      location.hash = "#/login";
    }
    return res.ok ? { status: res.status, data } : { status: res.status, problem: data || { title: res.statusText } };
  };

  K.problemBox = function (problem, intro) {
    const p = problem || {};
    const box = h("div.notice.error", { role: "alert" }, h("p", {}, h("strong", { text: intro || p.title || "Der skete en fejl" })));
    if (p.detail) box.append(h("p", { text: p.detail }));
    if (Array.isArray(p.problems) && p.problems.length) {
      box.append(h("ul", {}, p.problems.map((q) => h("li", {}, (q.pointer || q.parameter || "hele dokumentet") + ": " + q.message + (q.expected ? " (forventet: " + q.expected + ")" : "")))));
    }
    return box;
  };

  /* ---- page frame ----------------------------------------------------------------- */
  const main = () => document.getElementById("main");
  K.me = null;

  K.setPage = function (title, view, ...content) {
    document.title = title + " – kontakt";
    const m = main();
    m.replaceChildren(...content);
    for (const a of document.querySelectorAll("#nav a")) {
      if (a.dataset.view === view) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    m.focus({ preventScroll: true });
  };

  function showChrome(on) {
    document.getElementById("nav").hidden = !on;
    document.getElementById("who").hidden = !on;
    if (on && K.me) {
      const roles = { caseworker: "sagsbehandler", manager: "leder", auditor: "revisor" };
      document.getElementById("who-text").textContent = `${K.me.jobcenter} · ${roles[K.me.role] || K.me.role}`;
      document.getElementById("nav-ledelse").parentElement.hidden = K.me.role === "caseworker";
    }
  }

  /* ---- login ------------------------------------------------------------------------- */
  function loginPage(message) {
    showChrome(false);
    const err = h("div", { id: "login-error" });
    if (message) err.append(h("div.notice", { role: "status", text: message }));
    const ta = h("textarea", { id: "token", name: "token", rows: "3", autocomplete: "off", spellcheck: "false", required: true, "aria-describedby": "token-hint" });
    const form = h("form.login.card", {
      onsubmit: async (ev) => {
        ev.preventDefault();
        const t = ta.value.trim();
        err.replaceChildren();
        if (!t) {
          ta.setAttribute("aria-invalid", "true");
          err.append(h("div.notice.error", { role: "alert", text: "Indsæt din adgangsnøgle." }));
          ta.focus();
          return;
        }
        sessionStorage.setItem("kontakt.token", t);
        const r = await K.api("GET", "/v1/me");
        if (r.status !== 200) {
          sessionStorage.removeItem("kontakt.token");
          ta.setAttribute("aria-invalid", "true");
          err.append(K.problemBox(r.problem, r.status === 401 ? "Adgangsnøglen er ukendt eller tilbagekaldt." : "Kunne ikke logge ind."));
          ta.focus();
          return;
        }
        K.me = r.data;
        K.announce("Du er logget ind.");
        location.hash = "#/arbejdsliste";
      },
    },
      h("h1", { text: "Log ind" }),
      h("p", { text: "Indsæt den adgangsnøgle (token), du har fået af din administrator. Den gemmes kun i dette faneblad og glemmes, når du lukker det." }),
      err,
      h("div.field", {}, h("label", { for: "token", text: "Adgangsnøgle" }), h("span.hint", { id: "token-hint", text: "Begynder med kt_ – fx fra kontakt token create" }), ta),
      h("button", { type: "submit", id: "login-submit", text: "Log ind" }));
    K.setPage("Log ind", "login", form);
    ta.focus();
  }

  /* ---- Arbejdsliste ---------------------------------------------------------------- */
  function weekEnd(today) {
    const dow = (new Date(today + "T00:00:00Z").getUTCDay() + 6) % 7; // monday 0
    return K.addDays(today, 6 - dow);
  }

  // The worklist from the server, or (while the server has none: 501) built
  // here from the plans of the jobcentre's cases.
  async function loadWorklist(caseworker, span) {
    const p = new URLSearchParams();
    if (caseworker) p.set("caseworker", caseworker);
    if (span === "alle") p.set("within", "3660");
    const r = await K.api("GET", "/v1/worklist?" + p.toString());
    if (r.status === 200 && r.data) {
      const items = (r.data.items || []).map((i) => ({ ...i, from: i.window.from, to: i.window.to }));
      return { items, source: "server", more: r.data.more, stale: r.data.stale_note };
    }
    if (r.status !== 501) return { problem: r.problem };
    const list = await K.api("GET", "/v1/cases?limit=200" + (caseworker ? "&caseworker=" + encodeURIComponent(caseworker) : ""));
    if (list.status !== 200) return { problem: list.problem };
    const items = [];
    const cases = list.data.cases || [];
    await Promise.all(cases.map(async (c) => {
      const one = await K.api("GET", "/v1/cases/" + encodeURIComponent(c.id));
      if (one.status !== 200) return;
      for (const o of one.data.plan.obligations) {
        if (o.status !== "open" && o.status !== "overdue") continue;
        items.push({ case: c.id, caseworker: c.caseworker, rule: o.rule, generation: o.generation, kind: o.kind, status: o.status, from: o.window.from, to: o.window.to, why: o.why, required: o.required, counted: o.counted, quota: o.quota, provisional: o.provisional });
      }
    }));
    return { items, source: "browser", more: list.data.more };
  }

  async function worklistPage() {
    const params = new URLSearchParams(location.hash.split("?")[1] || "");
    const cw = params.get("sagsbehandler") || "";
    const span = params.get("periode") || "uge";
    const today = (K.me && K.me.today) || new Date().toISOString().slice(0, 10);
    const body = h("div", { id: "worklist" }, h("p.loading", { text: "Henter arbejdslisten …" }));

    const cwInput = h("input", { id: "f-cw", name: "sagsbehandler", value: cw, list: "cw-list", autocomplete: "off" });
    const spanSel = h("select", { id: "f-span", name: "periode" },
      [["dag", "I dag og overskredne"], ["uge", "Denne uge og overskredne"], ["alle", "Alle åbne"]].map(([v, t]) => h("option", { value: v, selected: v === span, text: t })));
    const form = h("form.filters", {
      role: "search",
      onsubmit: (ev) => {
        ev.preventDefault();
        const p = new URLSearchParams();
        if (cwInput.value.trim()) p.set("sagsbehandler", cwInput.value.trim());
        p.set("periode", spanSel.value);
        location.hash = "#/arbejdsliste?" + p.toString();
      },
    },
      h("div.field", {}, h("label", { for: "f-cw", text: "Sagsbehandler" }), cwInput, h("datalist", { id: "cw-list" })),
      h("div.field", {}, h("label", { for: "f-span", text: "Periode" }), spanSel),
      h("div.field", {}, h("button", { type: "submit", text: "Vis" })));
    const find = h("form.filters", {
      onsubmit: (ev) => {
        ev.preventDefault();
        const v = ev.target.elements.sag.value.trim();
        if (v) location.hash = "#/borger/" + encodeURIComponent(v);
      },
    }, h("div.field", {}, h("label", { for: "f-case", text: "Gå til sag (id)" }), h("input", { id: "f-case", name: "sag", autocomplete: "off" })),
      h("div.field", {}, h("button.secondary", { type: "submit", text: "Åbn" })));

    K.setPage("Arbejdsliste", "arbejdsliste", h("h1", { text: "Arbejdsliste" }),
      h("p.muted", { text: "Samtaler og andre pligter, der forfalder, og dem der er overskredet. I dag er " + K.fmtDate(today) + "." }),
      form, find, body);

    K.api("GET", "/v1/cases?limit=1000").then((r) => {
      if (r.status !== 200) return;
      const names = [...new Set(r.data.cases.map((c) => c.caseworker).filter(Boolean))].sort();
      document.getElementById("cw-list").replaceChildren(...names.map((n) => h("option", { value: n })));
    });

    const wl = await loadWorklist(cw, span);
    if (wl.problem) {
      body.replaceChildren(K.problemBox(wl.problem, "Arbejdslisten kunne ikke hentes."));
      return;
    }
    const until = span === "dag" ? today : span === "uge" ? weekEnd(today) : "9999-12-31";
    const items = wl.items
      .filter((i) => i.status === "overdue" || !i.to || i.to <= until)
      .sort((a, b) => (a.status === b.status ? (a.to || "9").localeCompare(b.to || "9") : a.status === "overdue" ? -1 : 1));
    const counts = {};
    for (const i of items) counts[i.status] = (counts[i.status] || 0) + 1;
    if (items.some((i) => i.quota === undefined && i.provisional === undefined)) {
      const cat = await K.ruleMarks();
      for (const i of items) {
        const m = cat[i.generation + "/" + i.rule];
        if (m && i.quota === undefined) i.quota = m.quota;
        if (m && i.provisional === undefined) i.provisional = m.provisional;
      }
    }

    const parts = [];
    if (wl.stale) parts.push(h("p.notice", { id: "stale-plans", text: wl.stale }));
    if (wl.source === "server" && wl.more)
      parts.push(h("p.notice", { text: "Listen viser de " + wl.items.length + " mest presserende pligter; vælg en sagsbehandler for at se resten." }));
    if (wl.source === "browser")
      parts.push(h("p.notice", { text: "Serveren har endnu ingen arbejdsliste; listen er beregnet her ud fra sagernes planer" + (wl.more ? " (de første 200 sager)." : ".") }));
    parts.push(h("h2", { id: "counts-h", text: "Antal pr. status" }),
      h("ul.counts", { "aria-labelledby": "counts-h" },
        ["overdue", "open", "met", "late", "exempt", "lapsed"].filter((s) => counts[s]).map((s) => h("li", {}, h("strong", { text: counts[s] }), K.STATUS[s]))));
    if (!items.length) {
      parts.push(h("p.notice.ok", { text: "Intet at gøre i perioden." }));
    } else {
      parts.push(h("div.table-wrap", {}, h("table", { id: "worklist-table" },
        h("caption", { text: items.length + " pligter" + (cw ? " for " + cw : "") }),
        h("thead", {}, h("tr", {}, ["Frist", "Status", "Borger (sag)", "Pligt", "Sagsbehandler"].map((t) => h("th", { scope: "col", text: t })))),
        h("tbody", {}, items.map((i) => h("tr", {},
          h("td.nowrap", { text: K.fmtDate(i.to) }),
          h("td", {}, K.badge(i.status)),
          h("td", {}, h("a", { href: "#/borger/" + encodeURIComponent(i.case), text: i.case })),
          h("td", {}, (K.KIND[i.kind] || i.kind) + " ", h("span.muted", { text: "(" + i.rule + ")" }), K.marks(i)),
          h("td", { text: i.caseworker || "–" })))))));
    }
    body.replaceChildren(...parts);
  }

  /* ---- routing ------------------------------------------------------------------------ */
  K.routes = { arbejdsliste: worklistPage };

  async function route() {
    const hash = location.hash || "#/";
    const [path] = hash.slice(1).split("?");
    const parts = path.split("/").filter(Boolean);
    if (parts[0] === "login" || !K.token()) return loginPage(parts[0] === "login" ? "" : "");
    if (!K.me) {
      const r = await K.api("GET", "/v1/me");
      if (r.status !== 200) return loginPage("Log ind igen.");
      K.me = r.data;
    }
    showChrome(true);
    const view = K.routes[parts[0]] || K.routes.arbejdsliste;
    try {
      await view(...parts.slice(1).map(decodeURIComponent));
    } catch (e) {
      K.setPage("Fejl", "", h("h1", { text: "Fejl" }), K.problemBox({ detail: String(e) }));
    }
  }
  K.route = route;

  // only "#/..." is a page; other fragments (the skip link's #main) are not
  window.addEventListener("hashchange", () => {
    if (location.hash === "" || location.hash.startsWith("#/")) route();
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelector("a.skip").addEventListener("click", (ev) => {
      ev.preventDefault();
      document.getElementById("main").focus();
    });
    document.getElementById("logout").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      K.me = null;
      location.hash = "#/login";
      K.announce("Du er logget ud.");
    });
    route();
  });
})();

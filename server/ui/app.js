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
  // The groups of rules.md by benefit name (Ledelse's chart titles).
  K.GROUP = {
    dp: "Dagpenge", kh: "Kontanthjælp", uh: "Uddannelseshjælp", sdp: "Sygedagpenge", rev: "Revalidering",
    fp: "Førtidspension", rf: "Ressourceforløb", ly: "Ledighedsydelse", amy: "Arbejdsmarkedsydelse",
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
  // One date format everywhere (docs/decisions.md): 3.12.2026. Dates in the
  // server's own texts (a plan's why) are written the same way (K.daText).
  K.fmtDate = function (iso) {
    if (!iso) return "–";
    const [y, m, d] = iso.split("-");
    return `${+d}.${+m}.${y}`;
  };
  K.daText = (t) => String(t || "").replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (all) => K.fmtDate(all));
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
    // A write carries an Idempotency-Key, so the one retry after a lost
    // answer (the network failed, not the server) cannot record it twice.
    if (method === "POST")
      headers["Idempotency-Key"] = self.crypto && crypto.randomUUID ? crypto.randomUUID()
        : Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
    let res;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        break;
      } catch (e) {
        if (method !== "POST" || attempt >= 1) return { status: 0, problem: { status: 0 } };
      }
    }
    const ct = res.headers.get("Content-Type") || "";
    let data = null;
    if (ct.includes("json")) data = await res.json().catch(() => null);
    else data = await res.text();
    if (res.status === 401 && path !== "/v1/me") {
      sessionStorage.removeItem(TOKEN_KEY);
      location.hash = "#/login";
    }
    const problem = data && typeof data === "object" ? data : {};
    if (!problem.status) problem.status = res.status;
    return res.ok ? { status: res.status, data } : { status: res.status, problem };
  };

  /* ---- problems in Danish ---------------------------------------------------------
   * The server's problem+json is for programs: its title and detail are
   * English. The page never shows them: each problem type has its Danish
   * sentence here, and a problem about one value is told by the field's
   * Danish name and a Danish reading of the message (docs/decisions.md). */
  const TYPE_DA = {
    "unauthenticated": "Du er ikke logget ind. Log ind med din adgangsnøgle.",
    "invalid-token": "Adgangsnøglen er ukendt eller tilbagekaldt. Log ind igen.",
    "forbidden-role": "Din rolle giver ikke adgang til dette.",
    "no-plan": "Sagen har endnu ingen plan.",
    "invalid-record": "Oplysningerne blev afvist. Ret felterne nedenfor.",
    "stored-case-invalid": "Sagen i registret er ikke længere gyldig efter de nye regler og kan ikke vises. Kontakt en administrator.",
    "limit": "Der er for mange oplysninger på sagen.",
    "other-jobcenter": "Sagen hører til et andet jobcenter. Forsøget er logget.",
    "not-found": "Det findes ikke.",
    "case-not-found": "Sagen findes ikke.",
    "invalid-case": "Oplysningerne blev afvist. Ret felterne nedenfor.",
    "invalid-body": "Oplysningerne blev afvist. Ret felterne nedenfor.",
    "invalid-parameter": "En værdi i forespørgslen er ugyldig.",
    "malformed-json": "Forespørgslen kunne ikke læses.",
    "body-too-large": "Forespørgslen er for stor.",
    "uri-too-long": "Adressen er for lang.",
    "headers-too-large": "Forespørgslen er for stor.",
    "control-character": "Adressen indeholder et ugyldigt tegn.",
    "duplicate-authorization": "Forespørgslen har to adgangsnøgler.",
    "too-many-connections": "Der er for mange forespørgsler i gang fra din adresse. Prøv igen om lidt.",
    "store-unavailable": "Sagsregistret kan ikke nås lige nu. Prøv igen om lidt.",
    "access-log": "Adgangen kunne ikke logges, og derfor blev den ikke givet. Prøv igen om lidt.",
    "conflict": "Sagen er ændret imens. Hent den igen.",
    "method-not-allowed": "Handlingen er ikke mulig her.",
    "unsupported-media-type": "Forespørgslen har et forkert format.",
    "not-implemented": "Serveren kan ikke dette endnu.",
    "response-too-large": "Svaret blev for stort til at blive vist.",
    "booking-not-found": "Bookingen findes ikke på sagen. Hent planen igen.",
    "not-a-booking": "Det er ikke en booket samtale.",
    "booking-closed": "Samtalen er allerede holdt, eller borgeren er udeblevet. Den kan ikke flyttes eller aflyses.",
    "booking-cancelled": "Samtalen er allerede aflyst.",
  };
  const STATUS_DA = {
    0: "Serveren svarer ikke. Tjek forbindelsen og prøv igen.",
    400: "Forespørgslen er ugyldig.", 401: TYPE_DA["invalid-token"], 403: TYPE_DA["forbidden-role"], 404: TYPE_DA["not-found"],
    405: TYPE_DA["method-not-allowed"], 409: TYPE_DA.conflict, 413: TYPE_DA["body-too-large"], 414: TYPE_DA["uri-too-long"],
    415: TYPE_DA["unsupported-media-type"], 422: TYPE_DA["invalid-case"], 429: TYPE_DA["too-many-connections"],
    431: TYPE_DA["headers-too-large"], 500: "Der skete en fejl på serveren.", 501: TYPE_DA["not-implemented"],
    503: TYPE_DA["store-unavailable"],
  };
  K.problemText = function (p) {
    p = p || {};
    const type = String(p.type || "").replace(/^urn:kontakt:problem:/, "");
    return TYPE_DA[type] || STATUS_DA[p.status] || "Der skete en fejl.";
  };
  // The Danish names of the values a form sends (JSON pointer's first part).
  const FIELD_DA = {
    date: "Dato", from: "Fra", to: "Til", holder: "Holdt af", form: "Form", held: "Holdt", type: "Hændelse",
    reason: "Begrundelse", what: "Hvad", topics: "Emner", benefits: "Ydelser", person: "Person",
    conversations: "Samtaler", events: "Hændelser", id: "Sagens id", birth_date: "Fødselsdato",
    caseworker: "Sagsbehandler", as_of: "Dato", within: "Periode", limit: "Antal", offset: "Side",
    replaces: "Booking", cancel: "Aflysning",
  };
  // Danish readings of the engine's and the server's messages about a value;
  // anything else is "ugyldig værdi" (never the English text).
  const MSG_DA = [
    [/missing|is required|required/i, "skal udfyldes"],
    [/not a valid date|real calendar day|a date YYYY-MM-DD|not a date/i, "er ikke en gyldig dato (åååå-mm-dd)"],
    [/ends before it begins|before `?from`?|on or after `?from`?|on or after `?date`?/i, "slutter før den begynder"],
    [/unknown|not one of|no such/i, "er ikke en af de mulige værdier"],
    [/not a holder of quota duties/i, "kan ikke afgøre undtagelser efter 75 %-reglen"],
    [/too long|at most|too many/i, "er for lang eller for stor"],
    [/not an? (string|integer|number|boolean|object|array)|a JSON object|an array/i, "har en forkert type"],
    [/duplicate|twice|already/i, "findes allerede"],
    [/on or before the case's latest/i, "ligger ikke efter sagens seneste samtale eller udeblivelse"],
    [/before the (benefit|person)|outside|after the/i, "ligger uden for den mulige periode"],
  ];
  K.fieldName = function (q) {
    const parts = String((q && (q.pointer || q.parameter)) || "").split("/").filter(Boolean);
    const last = [...parts].reverse().find((x) => !/^\d+$/.test(x));
    return (last && FIELD_DA[last]) || (last ? "Feltet " + last : "Oplysningerne");
  };
  K.fieldMessage = function (q) {
    const m = String((q && q.message) || "");
    for (const [re, da] of MSG_DA) if (re.test(m)) return da;
    return "har en ugyldig værdi";
  };
  K.problemBox = function (problem, intro) {
    const p = problem || {};
    const box = h("div.notice.error", { role: "alert" }, h("p", {}, h("strong", { text: intro || K.problemText(p) })));
    if (intro && p.status !== 401) box.append(h("p", { text: K.problemText(p) }));
    if (Array.isArray(p.problems) && p.problems.length) {
      box.append(h("ul", {}, p.problems.map((q) => h("li", { text: K.fieldName(q) + ": " + K.fieldMessage(q) + "." }))));
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

  /* ---- Arbejdsliste ----------------------------------------------------------------
   * The server's list (GET /v1/worklist): by default what is due in the next
   * 7 days and what went overdue in the last 30, what can still be met on
   * time first, 50 a page; the counts are of the whole list. */
  const PAGE = 50;
  const SPANS = {
    uge: { label: "Denne uge og overskredne (30 dage)", within: null },
    dag: { label: "I dag og overskredne (30 dage)", within: "0" },
    maaned: { label: "30 dage frem og overskredne (30 dage)", within: "30" },
    alle: { label: "Alle åbne og overskredne", within: "3660", overdue: "-1" },
  };

  async function loadWorklist(caseworker, span, page) {
    const p = new URLSearchParams();
    if (caseworker) p.set("caseworker", caseworker);
    const sp = SPANS[span] || SPANS.uge;
    if (sp.within) p.set("within", sp.within);
    if (sp.overdue) p.set("overdue_days", sp.overdue);
    p.set("limit", String(PAGE));
    if (page > 0) p.set("offset", String(page * PAGE));
    const r = await K.api("GET", "/v1/worklist?" + p.toString());
    if (r.status !== 200 || !r.data) return { problem: r.problem };
    const items = (r.data.items || []).map((i) => ({ ...i, from: i.window.from, to: i.window.to }));
    return { items, counts: r.data.counts || {}, total: r.data.total, more: r.data.more, until: r.data.until, oldest: r.data.oldest, stale: r.data.stale_note };
  }

  async function worklistPage() {
    const seq = K.pageSeq;
    const params = new URLSearchParams(location.hash.split("?")[1] || "");
    const cw = params.get("sagsbehandler") || "";
    const span = SPANS[params.get("periode")] ? params.get("periode") : "uge";
    const page = Math.max(0, (parseInt(params.get("side") || "1", 10) || 1) - 1);
    const today = (K.me && K.me.today) || new Date().toISOString().slice(0, 10);
    const body = h("div", { id: "worklist" }, h("p.loading", { text: "Henter arbejdslisten …" }));
    const go = (p) => {
      const q = new URLSearchParams();
      if (p.cw) q.set("sagsbehandler", p.cw);
      if (p.span && p.span !== "uge") q.set("periode", p.span);
      if (p.page > 0) q.set("side", String(p.page + 1));
      location.hash = "#/arbejdsliste" + (q.toString() ? "?" + q.toString() : "");
    };

    const cwInput = h("input", { id: "f-cw", name: "sagsbehandler", value: cw, list: "cw-list", autocomplete: "off" });
    const spanSel = h("select", { id: "f-span", name: "periode" },
      Object.entries(SPANS).map(([v, o]) => h("option", { value: v, selected: v === span, text: o.label })));
    const form = h("form.filters", {
      role: "search",
      onsubmit: (ev) => {
        ev.preventDefault();
        go({ cw: cwInput.value.trim(), span: spanSel.value, page: 0 });
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
      h("p.muted", { text: "Samtaler og andre pligter med frist i perioden, og dem der er overskredet inden for de seneste 30 dage. Først det, der stadig kan nås rettidigt. I dag er " + K.fmtDate(today) + "." }),
      form, find, body);

    K.api("GET", "/v1/cases?limit=1000").then((r) => {
      // the page may have changed meanwhile: then the list is no longer there
      const dl = document.getElementById("cw-list");
      if (r.status !== 200 || !dl || seq !== K.pageSeq) return;
      const names = [...new Set(r.data.cases.map((c) => c.caseworker).filter(Boolean))].sort();
      dl.replaceChildren(...names.map((n) => h("option", { value: n })));
    });

    const wl = await loadWorklist(cw, span, page);
    if (seq !== K.pageSeq || !body.isConnected) return; // left the page meanwhile
    if (wl.problem) {
      body.replaceChildren(K.problemBox(wl.problem, "Arbejdslisten kunne ikke hentes."));
      return;
    }
    const items = wl.items;
    if (items.some((i) => i.quota === undefined && i.provisional === undefined)) {
      const cat = await K.ruleMarks(); // a server whose items lack the marks
      if (seq !== K.pageSeq || !body.isConnected) return;
      for (const i of items) {
        const m = cat[i.generation + "/" + i.rule];
        if (m && i.quota === undefined) i.quota = m.quota;
        if (m && i.provisional === undefined) i.provisional = m.provisional;
      }
    }

    const parts = [];
    if (wl.stale) parts.push(h("p.notice", { id: "stale-plans", text: K.daText(wl.stale) }));
    const counts = wl.counts;
    const total = wl.total || 0;
    parts.push(h("h2", { id: "counts-h", text: "Antal pr. status" }),
      h("ul.counts", { "aria-labelledby": "counts-h", id: "wl-counts" },
        h("li", { "data-status": "open" }, h("strong", { text: (counts.open || 0).toLocaleString("da-DK") }), "Åbne med frist til og med " + K.fmtDate(wl.until)),
        h("li", { "data-status": "overdue" }, h("strong", { text: (counts.overdue || 0).toLocaleString("da-DK") }), "Overskredne" + (wl.oldest ? " siden " + K.fmtDate(wl.oldest) : ""))));
    if (!items.length) {
      parts.push(h("p.notice.ok", { text: page > 0 ? "Ikke flere pligter." : "Intet at gøre i perioden." }));
    } else {
      const first = page * PAGE + 1, last = page * PAGE + items.length;
      const pager = () => h("nav.pager", { "aria-label": "Sider" },
        page > 0 ? h("button.secondary", { type: "button", class: "prev", onclick: () => go({ cw, span, page: page - 1 }), text: "← Forrige" }) : null,
        h("span", { text: `Side ${page + 1} af ${Math.max(1, Math.ceil(total / PAGE))}` }),
        wl.more ? h("button.secondary", { type: "button", class: "next", onclick: () => go({ cw, span, page: page + 1 }), text: "Næste →" }) : null);
      parts.push(h("div.table-wrap", {}, h("table", { id: "worklist-table", class: "stack" },
        h("caption", { text: `Pligt ${first}–${last} af ${total.toLocaleString("da-DK")}` + (cw ? " for " + cw : "") }),
        h("thead", {}, h("tr", {}, ["Frist", "Status", "Borger (sag)", "Pligt", "Sagsbehandler"].map((t) => h("th", { scope: "col", text: t })))),
        h("tbody", {}, items.map((i) => h("tr", { "data-status": i.status, "data-kind": i.kind, "data-case": i.case },
          h("td.nowrap", { "data-label": "Frist", text: K.fmtDate(i.to) }),
          h("td", { "data-label": "Status" }, K.badge(i.status)),
          h("td", { "data-label": "Borger" }, h("a", { href: "#/borger/" + encodeURIComponent(i.case), text: i.case })),
          h("td", { "data-label": "Pligt" }, (K.KIND[i.kind] || i.kind) + " ", h("span.muted", { text: "(" + i.rule + ")" }), K.marks(i)),
          h("td", { "data-label": "Sagsbehandler", text: i.caseworker || "–" })))))));
      if (page > 0 || wl.more) parts.push(pager());
    }
    body.replaceChildren(...parts);
    // a booked conversation (Planlægning) marks the case's conversation duties
    const bq = cw ? "?caseworker=" + encodeURIComponent(cw) : "";
    K.api("GET", "/v1/bookings" + bq).then((r) => {
      if (seq !== K.pageSeq || r.status !== 200 || !body.isConnected) return;
      const first = {};
      for (const b of r.data.bookings) if (!first[b.case_id]) first[b.case_id] = b.date;
      for (const tr of body.querySelectorAll("#worklist-table tbody tr[data-kind=samtale]")) {
        const d = first[tr.dataset.case];
        if (d) tr.querySelector('td[data-label="Borger"]').append(" ", h("span.badge.met.booked", { text: "booket " + K.fmtDate(d) }));
      }
    });
  }

  /* ---- routing ------------------------------------------------------------------------ */
  K.routes = { arbejdsliste: worklistPage };

  // Each page view has a number: a page's async work that finishes after the
  // user has moved on checks it and draws nothing.
  K.pageSeq = 0;
  async function route() {
    const seq = ++K.pageSeq;
    const hash = location.hash || "#/";
    const [path] = hash.slice(1).split("?");
    const parts = path.split("/").filter(Boolean);
    if (parts[0] === "login" || !K.token()) return loginPage(parts[0] === "login" ? "" : "");
    if (!K.me) {
      const r = await K.api("GET", "/v1/me");
      if (seq !== K.pageSeq) return;
      if (r.status !== 200) return loginPage("Log ind igen.");
      K.me = r.data;
    }
    showChrome(true);
    const view = K.routes[parts[0]] || K.routes.arbejdsliste;
    try {
      await view(...parts.slice(1).map(decodeURIComponent));
    } catch (e) {
      if (seq !== K.pageSeq) return;
      console.error(e);
      K.setPage("Fejl", "", h("h1", { text: "Fejl" }), K.problemBox({ status: 500 }, "Siden kunne ikke vises."));
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

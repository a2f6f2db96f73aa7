// provscan HTML report: draws the cards of the data island a window at a
// time, with filters, search, sort and keyboard navigation. Every value from
// a file is set with textContent or as an attribute value, never as markup.
(function () {
  'use strict';
  var island = document.getElementById('report-data');
  var cards = JSON.parse(island.textContent).cards || [];
  var main = document.getElementById('cards');
  var PAGE = 100, MAX = 300, PRINT_MAX = 20000, MARGIN = 1200;
  var matching = [], lo = 0, hi = 0, chunks = [], spacerH = 0;
  var topS = el('div', 'spacer'), botS = el('div', 'spacer');
  topS.setAttribute('aria-hidden', 'true');
  botS.setAttribute('aria-hidden', 'true');
  var fRule = byId('filter-rule'), fSev = byId('filter-severity'), fPrin = byId('filter-principle');
  var search = byId('search'), sort = byId('sort'), shown = byId('shown');

  function byId(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, tag, cls, text) { var e = el(tag, cls, text); parent.appendChild(e); return e; }

  function card(c) {
    var a = el('article', 'card sev-' + c.s);
    a.tabIndex = 0;
    a.setAttribute('data-path', c.p);
    a.setAttribute('data-rules', c.r.join(' '));
    a.setAttribute('data-severity', c.s);
    a.setAttribute('data-principles', c.pr.join(' '));
    a.setAttribute('data-group', c.g);
    if (c.t && /^data:image\/(png|jpeg);base64,[A-Za-z0-9+\/=]*$/.test(c.t)) {
      var img = add(a, 'img', 'thumb');
      img.alt = c.ta || ('Preview of ' + c.p);
      img.src = c.t;
    } else {
      var icon = add(a, 'span', 'icon icon-' + c.g);
      icon.setAttribute('role', 'img');
      icon.setAttribute('aria-label', c.i);
    }
    add(a, 'h2', null, c.p);
    var meta = add(a, 'p', 'meta');
    add(meta, 'span', 'severity', c.s);
    meta.appendChild(document.createTextNode(' '));
    add(meta, 'span', 'group', c.g + (c.n > 1 ? ', ' + c.n + ' files' : ''));
    if (c.sum) add(a, 'p', 'group-summary', c.sum);
    for (var i = 0; i < c.f.length; i++) a.appendChild(finding(c, c.f[i]));
    if (c.more) add(a, 'p', 'more', c.more + ' more findings in this group (the JSON report lists them all).');
    var pre = add(a, 'pre');
    var code = add(pre, 'code', 'approve', c.cmd);
    var btn = add(a, 'button', 'copy', 'Copy command');
    btn.type = 'button';
    btn.addEventListener('click', function () { copy(code); });
    return a;
  }

  function finding(c, f) {
    var d = el('div', 'finding');
    if (c.g !== 'file') add(d, 'h3', null, f.p);
    var p = add(d, 'p');
    add(p, 'span', 'rule', f.r);
    p.appendChild(document.createTextNode(' '));
    add(p, 'span', 'severity', f.s);
    if (f.pr) { p.appendChild(document.createTextNode(' ')); add(p, 'span', 'principle', f.pr); }
    if (f.g) { p.appendChild(document.createTextNode(' ')); add(p, 'span', 'generator', f.g); }
    add(d, 'p', 'message', f.msg);
    var ul = add(d, 'ul', 'evidence');
    for (var i = 0; i < f.ev.length; i++) {
      var e = f.ev[i], li = add(ul, 'li');
      add(li, 'span', 'container', e.c + (e.l ? ' \u203a ' + e.l : ''));
      li.appendChild(document.createTextNode(' '));
      add(li, 'span', 'offset', '@' + e.o);
      li.appendChild(document.createTextNode(' '));
      add(li, 'span', 'field', e.f);
      li.appendChild(document.createTextNode(' '));
      add(li, 'code', 'value', e.v);
    }
    if (f.ch && f.ch.length) {
      var chain = add(d, 'ul', 'chain');
      chain.setAttribute('aria-label', 'C2PA manifests');
      var parent = chain; // ingredients go in a list under the active manifests
      for (var j = 0; j < f.ch.length; j++) {
        if (f.ch[j].g && parent === chain && j > 0) {
          parent = add(chain, 'ul', 'ingredients');
          parent.setAttribute('aria-label', 'ingredients');
        }
        var m = add(parent, 'li', null, f.ch[j].g ? 'ingredient manifest ' : 'manifest ');
        add(m, 'code', null, f.ch[j].m);
        if (f.ch[j].v) add(m, 'span', 'via', ' (reached through ' + f.ch[j].v + ')');
        var items = add(m, 'ul');
        for (var k = 0; k < f.ch[j].i.length; k++) add(items, 'li', null, f.ch[j].i[k]);
      }
    }
    add(d, 'p', 'approval status-' + f.st, f.st + (f.a ? ': ' + f.a : ''));
    return d;
  }

  function copy(code) {
    var text = code.textContent;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).catch(function () { select(code); });
    } else {
      select(code);
    }
  }
  function select(node) {
    var s = window.getSelection();
    if (s) s.selectAllChildren(node);
  }

  function matches(c, rule, sev, prin, q) {
    if (rule && c.r.indexOf(rule) < 0) return false;
    if (sev && c.s !== sev) return false; // the card's highest severity, as data-severity
    if (prin && c.pr.indexOf(prin) < 0) return false;
    if (q) {
      if (c.p.toLowerCase().indexOf(q) >= 0) return true;
      for (var j = 0; j < c.f.length; j++) if (c.f[j].p.toLowerCase().indexOf(q) >= 0) return true;
      return false;
    }
    return true;
  }

  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  var orders = {
    severity: function (a, b) { return (cards[b].sr - cards[a].sr) || (a - b); },
    path: function (a, b) { return cmpStr(cards[a].p, cards[b].p) || (a - b); },
    rule: function (a, b) { return cmpStr(cards[a].r[0] || '', cards[b].r[0] || '') || (a - b); }
  };

  function apply() {
    var rule = fRule.value, sev = fSev.value, prin = fPrin.value, q = search.value.toLowerCase();
    matching = [];
    for (var i = 0; i < cards.length; i++) if (matches(cards[i], rule, sev, prin, q)) matching.push(i);
    matching.sort(orders[sort.value] || orders.severity);
    shown.textContent = matching.length + ' of ' + cards.length + ' groups';
    main.textContent = '';
    lo = hi = 0; chunks = []; spacerH = 0;
    topS.style.height = '0px';
    main.appendChild(topS);
    main.appendChild(botS);
    if (!matching.length) main.insertBefore(el('p', 'empty', cards.length ? 'No finding matches the filters.' : 'No findings.'), botS);
    next();
    check();
  }

  // next draws the page after the window; a window over MAX cards drops its
  // first page, whose height the top spacer keeps.
  function next() {
    if (hi >= matching.length) return false;
    var end = Math.min(hi + PAGE, matching.length), frag = document.createDocumentFragment();
    for (var i = hi; i < end; i++) frag.appendChild(card(cards[matching[i]]));
    main.insertBefore(frag, botS);
    hi = end;
    if (hi - lo > MAX) {
      var first = topS.nextElementSibling, keep = first;
      for (var j = 0; j < PAGE; j++) keep = keep.nextElementSibling;
      var h = keep.getBoundingClientRect().top - first.getBoundingClientRect().top;
      for (var k = 0; k < PAGE; k++) main.removeChild(topS.nextElementSibling);
      chunks.push(h);
      spacerH += h;
      topS.style.height = spacerH + 'px';
      lo += PAGE;
    }
    return true;
  }

  // prev draws the page before the window back in place of the spacer.
  function prev() {
    if (lo === 0) return false;
    var start = lo - PAGE, frag = document.createDocumentFragment();
    for (var i = start; i < lo; i++) frag.appendChild(card(cards[matching[i]]));
    main.insertBefore(frag, topS.nextSibling);
    spacerH = Math.max(0, spacerH - chunks.pop());
    topS.style.height = spacerH + 'px';
    lo = start;
    while (hi - lo > MAX) {
      var n = (hi - lo) - MAX;
      for (var k = 0; k < n; k++) main.removeChild(botS.previousElementSibling);
      hi -= n;
    }
    return true;
  }

  var pending = false;
  function check() {
    pending = false;
    var changed = false;
    if (botS.getBoundingClientRect().top < window.innerHeight + MARGIN) changed = next() || changed;
    if (topS.getBoundingClientRect().bottom > -MARGIN) changed = prev() || changed;
    if (changed) schedule();
  }
  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(check); }
  }

  function move(d) {
    var cur = document.activeElement;
    if (!cur || !cur.classList || !cur.classList.contains('card')) {
      var first = topS.nextElementSibling;
      if (first && first.classList.contains('card')) { first.focus(); first.scrollIntoView({ block: 'nearest' }); }
      return;
    }
    var to = d > 0 ? cur.nextElementSibling : cur.previousElementSibling;
    if (to === botS && next()) to = cur.nextElementSibling;
    if (to === topS && prev()) to = cur.previousElementSibling;
    if (to && to.classList.contains('card')) { to.focus(); to.scrollIntoView({ block: 'nearest' }); }
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, tag = t && t.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'BUTTON') return;
    if (e.key === 'j' || e.key === 'ArrowDown') { move(1); e.preventDefault(); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { move(-1); e.preventDefault(); }
  });

  var timer = 0;
  search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  fRule.addEventListener('change', apply);
  fSev.addEventListener('change', apply);
  fPrin.addEventListener('change', apply);
  sort.addEventListener('change', apply);
  search.form.addEventListener('submit', function (e) { e.preventDefault(); });
  window.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);

  // Printing draws every matching card (up to PRINT_MAX), then the window again.
  window.addEventListener('beforeprint', function () {
    topS.style.height = '0px';
    while (lo > 0) prev();
    var saved = MAX;
    MAX = PRINT_MAX;
    while (hi < Math.min(matching.length, PRINT_MAX)) next();
    MAX = saved;
    if (matching.length > PRINT_MAX) main.insertBefore(el('p', 'more', (matching.length - PRINT_MAX) + ' more groups not printed (filter the report to print them).'), botS);
  });
  window.addEventListener('afterprint', apply);

  // provscanVisible returns the number of cards matching the filters.
  window.provscanVisible = function () { return matching.length; };

  apply();
})();

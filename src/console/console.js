// The console's own script (served from /assets under script-src 'self'; every page works
// without it). It keeps the dashboard's delivery progress live, and it counts an SMS text's
// characters and parts as it is typed, by the rules of
// src/notices/sms.rs: typography replaced, GSM-7 when every character is in the GSM 03.38
// alphabet (extension characters cost two), UCS-2 otherwise; one message holds 160 (GSM-7)
// or 70 (UCS-2), a concatenated part 153 or 67. The server's count in the preview decides.
'use strict';

(function () {
  const BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  const EXTENSION = '^{}\\[~]|€\f';
  const REPLACE = [
    [/[\u2010-\u2015\u2212]/g, '-'],
    [/[\u2018\u2019\u201a\u201b\u2032]/g, "'"],
    [/[\u201c-\u201f\u2033]/g, '"'],
    [/\u2026/g, '...'],
    [/[\u00a0\u2007\u202f\u2009\u200a\t]/g, ' '],
  ];

  function normalise(text) {
    // A form sends a line break as CR LF, whatever the text area shows.
    let t = text.replace(/\r?\n/g, '\r\n').trim();
    for (const [from, to] of REPLACE) t = t.replace(from, to);
    return t;
  }

  function gsmCost(c) {
    if (BASIC.includes(c)) return 1;
    if (EXTENSION.includes(c)) return 2;
    return 0;
  }

  // What the text costs: { chars, encoding, parts }, `chars` in the encoding's units.
  function count(text) {
    const t = normalise(text);
    const chars = Array.from(t);
    const gsm = chars.every((c) => gsmCost(c) > 0);
    const cost = gsm ? gsmCost : (c) => c.length; // UTF-16 code units
    const [single, part] = gsm ? [160, 153] : [70, 67];
    const total = chars.reduce((n, c) => n + cost(c), 0);
    let parts = 1;
    if (total > single) {
      // Split as the server does: a character never straddles two parts.
      let used = 0;
      for (const c of chars) {
        if (used + cost(c) > part) {
          parts += 1;
          used = 0;
        }
        used += cost(c);
      }
    }
    return { chars: total, encoding: gsm ? 'GSM-7' : 'UCS-2', parts: t.length ? parts : 0 };
  }

  globalThis.faultcastSms = { count, normalise };

  // Each counter names its field (data-sms-for) and carries its words in the page's
  // language (data-chars, data-parts, data-empty, data-over).
  function attach(counter) {
    const field = document.getElementById(counter.dataset.smsFor);
    if (!field) return;
    const show = () => {
      const c = count(field.value);
      if (c.parts === 0) {
        counter.textContent = counter.dataset.empty;
        return;
      }
      const over = c.parts > 3 ? ' ' + counter.dataset.over : '';
      const parts = c.parts === 1 ? counter.dataset.part : counter.dataset.parts;
      counter.textContent = `${c.chars} ${counter.dataset.chars} · ${c.parts} ${parts} · ${c.encoding}${over}`;
      counter.classList.toggle('error', c.parts > 3);
    };
    field.addEventListener('input', show);
    show();
  }

  document.querySelectorAll('[data-sms-for]').forEach(attach);

  // Delivery progress on the dashboard, live while a fan-out runs, and a notice's reach
  // board, live while organisations have not acknowledged: the page is fetched again every
  // few seconds and its live parts replace these, until none is still going. A signed-out
  // answer (a redirect to the sign-in page) stops it.
  const PERIOD = 3000;
  const running = () => document.querySelector('dl.progress[data-live], section.reach[data-live]');
  async function refresh() {
    try {
      const res = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!res.ok || res.redirected) return;
      const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const list of fresh.querySelectorAll('dl.progress[id], section.reach[id]')) {
        const here = document.getElementById(list.id);
        if (!here) continue;
        here.innerHTML = list.innerHTML;
        here.toggleAttribute('data-live', list.hasAttribute('data-live'));
      }
    } catch (e) {
      // The daemon is restarting or the network is down: try again at the next turn.
    }
    if (running()) setTimeout(refresh, PERIOD);
  }
  if (running()) setTimeout(refresh, PERIOD);
})();

"""The page's small browser-side scripts: what must happen in the browser, before or after a handler."""

from __future__ import annotations

from interviewer.app.ui import MAX_ANSWER_CHARS

# The box empties the moment Send is pressed, unless the answer is over the limit: then it stays,
# whole, and the handler says why it was not sent.
TAKE_ANSWER_JS = """(text, sid) => {
  const box = document.querySelector('#answer textarea');
  if (box && (text || '').trim().length <= LIMIT) {
    box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true}));
  }
  return [text, sid];
}""".replace("LIMIT", str(MAX_ANSWER_CHARS))


# Enter sends, Shift+Enter breaks the line (as the placeholder says); Gradio's own multi-line box
# does the opposite, so its key handlers are pre-empted in the capture phase.
KEYS_JS = """() => {
  const onKey = (e) => {
    if (e.key !== 'Enter' || !e.target.closest || !e.target.closest('#answer')) return;
    e.stopImmediatePropagation();
    if (e.shiftKey || e.isComposing) return;  // a new line (the browser's default)
    e.preventDefault();
    if (e.type === 'keydown') document.querySelector('#send-btn').click();
  };
  for (const kind of ['keydown', 'keypress', 'keyup']) document.addEventListener(kind, onKey, true);
}"""


VISIBLE_JS = "(sid, _) => [sid, document.visibilityState === 'visible']"
DELETE_JS = "(rid) => (rid && confirm('Delete this session for good? It leaves History and Progress.')) ? rid : ''"


# The zero-CPU speaker: the browser's own speech synthesis reads the last reply.
BROWSER_SPEAK_JS = """(chat, mode) => {
  if (mode !== 'Browser voice' || !window.speechSynthesis || !chat || !chat.length) return;
  const last = chat[chat.length - 1];
  if (last.role !== 'assistant') return;
  const text = typeof last.content === 'string' ? last.content : (last.content?.[0]?.text || '');
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}"""


# After a write-up is graded, its result comes into view (it lands below the fold, under the text).
SHOW_GRADE_JS = """() => {
  const el = document.querySelector('#grade-notice');
  if (el) el.scrollIntoView({behavior: 'smooth', block: 'start'});
}"""


# Mermaid draws to the column's width, so a wide flowchart shrinks until its words cannot be read:
# a drawing shrinks to fit only down to MIN_SCALE of its own size (words of 12 px or more), and past
# that the preview scrolls.
MIN_SCALE = 0.75
NATURAL_SIZE_JS = """() => {
  const box = document.querySelector('#diagram-preview');
  const fit = () => document.querySelectorAll('#diagram-preview .mermaid > svg').forEach((svg) => {
    const w = svg.viewBox && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0;
    const room = box ? box.clientWidth - 4 : w;
    const key = w + '/' + room;
    if (!w || svg.dataset.fitted === key) return;
    svg.dataset.fitted = key;
    svg.style.width = Math.max(Math.min(w, room), w * MIN_SCALE) + 'px';
    svg.style.maxWidth = 'none';
  });
  new MutationObserver(fit).observe(box || document.body, {childList: true, subtree: true});
  window.addEventListener('resize', fit);
}""".replace("MIN_SCALE", str(MIN_SCALE))

// Time left before an approval's deadline; one ticking timer per page redraws every [data-due] element.
export function timeLeft(dueIso, now = Date.now()) {
  const ms = Date.parse(dueIso) - now;
  if (ms <= 0) return 'time is up';
  const s = Math.floor(ms / 1000);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return hours > 0 ? `${hours} h ${minutes} min left` : `${minutes} min ${String(seconds).padStart(2, '0')} s left`;
}

export function startClock(root) {
  const timer = setInterval(() => {
    for (const el of root.querySelectorAll('[data-due]')) {
      const prefix = el.dataset.prefix ?? '';
      el.textContent = `${prefix}${timeLeft(el.dataset.due)}`;
    }
  }, 1000);
  return () => clearInterval(timer);
}

/**
 * Times as people read them in chat, in a given zone: "Tue 8 Dec 09:00". Digests, their previews and
 * listings all use these, so a time reads the same wherever it is shown.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatLocalTime(date: Date, zone: string): string {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, formatter);
  }
  // en-GB writes "Tue 8 Dec, 09:00"; the comma adds nothing in a chat line.
  return formatter.format(date).replace(',', '');
}

/** A duration in the largest sensible unit: "45 min", "3 h", "2 days". */
export function formatDuration(milliseconds: number): string {
  const minutes = Math.max(0, Math.round(milliseconds / 60_000));
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** 1234567 → "1.2 M", 5400 → "5.4 k": token counts at a glance. */
export function formatCount(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)} M`;
  if (value >= 10_000) return `${Math.round(value / 1000)} k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)} k`;
  return String(value);
}

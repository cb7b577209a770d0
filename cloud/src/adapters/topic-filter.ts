/** MQTT topic-filter matching (+ one level, # the rest), for routing messages to listeners. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.replace(/^\$share\/[^/]+\//, '').split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

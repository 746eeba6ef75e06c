import { analyze } from './analyzer.ts';

/**
 * Paraphrase handling for the full-text side: groups of words and phrases that technical writing uses
 * interchangeably, written for this project (Apache-2.0, like the rest of it) from common usage in
 * operations and software documentation — not fitted to any corpus. A question's word that belongs to a
 * group adds the group's other members to its terms at a lower weight (EXPANSION_WEIGHT, shared among the
 * words of a phrase), so "folder" also finds "directory" but a passage that says "folder" still ranks first.
 * Groups hold near-synonyms only, never mere associations ("clock" is not "NTP"): a wrong expansion costs
 * more than a missed one.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  // Files and storage
  ['folder', 'directory'],
  ['file system', 'filesystem'],
  ['disk', 'drive', 'hard drive', 'hard disk'],
  ['disk space', 'free space', 'storage space'],
  ['erase', 'delete', 'remove', 'wipe'],
  ['copy', 'duplicate'],
  ['move', 'relocate'],
  ['rename', 'new name'],
  ['tarball', 'tar archive', 'tar file'],
  ['zip', 'compress', 'compression'],
  ['shrink', 'reduce', 'decrease'],
  ['grow', 'increase', 'enlarge'],
  ['big', 'large', 'huge'],
  ['small', 'tiny'],
  ['cap', 'limit', 'quota'],
  // Backups
  ['snapshot', 'archive'],
  ['restore', 'recover', 'get back', 'bring back'],
  ['repository', 'repo'],
  ['damaged', 'corrupt', 'corrupted', 'corruption'],
  // Machines and services
  ['machine', 'host', 'computer'],
  ['server', 'host'],
  ['laptop', 'notebook', 'workstation', 'desktop'],
  ['service', 'daemon'],
  ['job', 'task'],
  ['boot', 'start up', 'startup'],
  ['shut down', 'shutdown', 'power off', 'turn off', 'switch off'],
  ['restart', 'reboot', 'reload'],
  ['crash', 'crashed', 'abort', 'die', 'dies'],
  ['hang', 'freeze', 'stuck'],
  ['slow', 'sluggish', 'crawl', 'performance'],
  ['fast', 'quick', 'speed'],
  ['container', 'lxc'],
  ['virtual machine', 'vm', 'guest'],
  // Accounts and access
  ['password', 'passphrase', 'passwd'],
  ['login', 'sign in', 'logon'],
  ['logout', 'sign out'],
  ['account', 'login'],
  ['permission', 'permissions', 'rights', 'access rights'],
  ['administrator', 'admin', 'root', 'superuser'],
  ['disable', 'deactivate'],
  ['enable', 'activate', 'turn on', 'switch on'],
  ['forbid', 'prohibit', 'deny', 'block'],
  ['allow', 'permit'],
  ['encrypt', 'encrypted', 'encryption', 'cipher'],
  ['key', 'keyfile'],
  ['certificate', 'cert'],
  ['signature', 'signed', 'sign'],
  ['tamper', 'modify', 'alter'],
  ['intruder', 'attacker', 'cracker', 'hacker'],
  ['compromised', 'hacked', 'breached', 'cracked'],
  ['vulnerability', 'security hole', 'security issue'],
  // Change and configuration
  ['change', 'modify', 'alter', 'edit'],
  ['setting', 'option', 'parameter'],
  ['config', 'configuration', 'settings'],
  ['set up', 'setup', 'configure', 'install'],
  ['uninstall', 'remove', 'purge'],
  ['update', 'upgrade'],
  ['fix', 'repair', 'patch'],
  ['version', 'release'],
  ['automatic', 'automatically', 'unattended', 'automated'],
  ['manual', 'manually', 'by hand'],
  ['schedule', 'scheduled', 'timer'],
  ['every day', 'daily', 'each day', 'nightly'],
  ['every week', 'weekly'],
  ['every month', 'monthly'],
  ['every hour', 'hourly'],
  ['error', 'failure', 'fault', 'problem'],
  ['warning', 'warn', 'alert'],
  ['alert', 'notification', 'notify'],
  ['email', 'e-mail', 'mail'],
  ['check', 'verify', 'validate'],
  ['monitor', 'watch', 'supervise', 'observe'],
  ['graph', 'chart', 'plot'],
  ['log', 'logs', 'log file', 'journal'],
  ['debug', 'troubleshoot', 'diagnose'],
  ['difference', 'diff', 'compare'],
  ['browse', 'explore', 'navigate'],
  ['mount', 'attach'],
  ['find', 'locate', 'search', 'look up'],
  ['interrupted', 'stopped', 'broken off'],
  ['resume', 'continue'],
  ['synchronize', 'synchronise', 'sync'],
  // Networks
  ['network', 'lan'],
  ['internet', 'web'],
  ['website', 'web site'],
  ['web server', 'http server'],
  ['connection', 'link'],
  ['bandwidth', 'throughput', 'rate'],
  ['latency', 'delay', 'lag'],
  ['packet filter', 'firewall'],
  ['traffic', 'packets'],
  ['port', 'ports'],
  ['address', 'ip address', 'ip'],
  ['hostname', 'host name', 'machine name'],
  ['name resolution', 'dns', 'resolve names'],
  ['central', 'centralized', 'centralised', 'one place'],
  ['share', 'shared', 'export'],
  // People and documents
  ['employee', 'colleague', 'staff'],
  ['guide', 'manual', 'documentation', 'docs'],
  ['example', 'sample'],
  ['command line', 'cli', 'shell'],
  ['script', 'program'],
  ['tool', 'utility', 'program'],
  ['gui', 'graphical', 'front end', 'frontend'],
  ['machine-readable', 'json'],
];

/** The weight of an expansion's terms against the question's own (1). */
export const EXPANSION_WEIGHT = 0.4;

interface Entry {
  terms: string[];
  group: number;
}

// A phrase that loses a stop word to the analyser ("log in" → "log") would fire on the bare word: left out.
const ENTRIES: Entry[] = SYNONYM_GROUPS.flatMap((group, index) =>
  group
    .map((member) => ({ terms: analyze(member), group: index, words: member.split(/[\s-]+/).length }))
    .filter((entry) => entry.terms.length > 0 && entry.terms.length === entry.words)
    .map(({ terms, group: at }) => ({ terms, group: at })),
);

/**
 * The terms a question's words add through the lexicon, with their weights: every group one of whose
 * members (a word, or a phrase of consecutive words) occurs in the question's analysed terms contributes
 * its other members, unless they are the question's own terms.
 */
export function expansions(questionTerms: readonly string[]): Map<string, number> {
  const own = new Set(questionTerms);
  const groups = new Set<number>();
  for (const entry of ENTRIES) {
    if (occursIn(entry.terms, questionTerms)) groups.add(entry.group);
  }
  const added = new Map<string, number>();
  for (const entry of ENTRIES) {
    if (!groups.has(entry.group) || occursIn(entry.terms, questionTerms)) continue;
    const weight = EXPANSION_WEIGHT / entry.terms.length;
    for (const term of entry.terms) {
      if (own.has(term)) continue;
      added.set(term, Math.max(added.get(term) ?? 0, weight));
    }
  }
  return added;
}

function occursIn(phrase: readonly string[], terms: readonly string[]): boolean {
  for (let start = 0; start + phrase.length <= terms.length; start += 1) {
    if (phrase.every((term, offset) => terms[start + offset] === term)) return true;
  }
  return false;
}

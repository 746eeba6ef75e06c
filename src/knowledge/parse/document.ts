/**
 * A parsed document: its title and its text in sections, each under its heading path (the headings above
 * it, outermost first) and, for PDFs, its page. Chunking follows these sections, and answers cite them.
 */
export interface Section {
  headingPath: string[];
  page: number | null;
  paragraphs: string[];
}

export interface ParsedDocument {
  title: string;
  sections: Section[];
}

export type DocumentFormat = 'markdown' | 'text' | 'html' | 'pdf' | 'docx';

/** Collects paragraphs under the current heading path, opening a new section when the path changes. */
export class SectionBuilder {
  readonly sections: Section[] = [];
  #path: string[] = [];
  #levels: number[] = [];
  #page: number | null = null;

  heading(level: number, text: string): void {
    const clean = normaliseSpace(text);
    if (!clean) return;
    // Headings nest by level, whatever the first level is (HTML pages often start at h2).
    while (this.#levels.length > 0 && (this.#levels.at(-1) ?? 0) >= level) {
      this.#levels.pop();
      this.#path.pop();
    }
    this.#levels.push(level);
    this.#path.push(clean);
    this.#open();
  }

  page(number: number): void {
    this.#page = number;
    this.#open();
  }

  paragraph(text: string, keepLines = false): void {
    const clean = keepLines ? text.replace(/[ \t]+\n/g, '\n').trim() : normaliseSpace(text);
    if (!clean) return;
    const current = this.sections.at(-1) ?? this.#open();
    current.paragraphs.push(clean);
  }

  #open(): Section {
    const last = this.sections.at(-1);
    if (last && last.paragraphs.length === 0) {
      last.headingPath = [...this.#path];
      last.page = this.#page;
      return last;
    }
    const section: Section = { headingPath: [...this.#path], page: this.#page, paragraphs: [] };
    this.sections.push(section);
    return section;
  }

  build(): Section[] {
    return this.sections.filter((section) => section.paragraphs.length > 0);
  }
}

export function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A title from a file name: `rotate-credentials.md` → `rotate credentials`. */
export function titleFromName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return (
    base
      .replace(/\.[a-z0-9]+$/i, '')
      .replace(/[-_]+/g, ' ')
      .trim() || base
  );
}

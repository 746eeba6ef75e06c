/** One document a source yields: where it lives (the URI it is stored and cited under) and its bytes. */
export interface SourceItem {
  uri: string;
  name: string;
  mediaType?: string | undefined;
  bytes: Uint8Array;
  source: 'path' | 'url' | 'github' | 'chat';
}

/** A source's documents, read lazily one by one so large sources never sit in memory at once. */
export interface SourceListing {
  /** URIs of every document the source has now (for a re-sync: stored documents not listed are gone). */
  uris: string[];
  /** The prefix every URI of this source starts with, or the one URI of a single-document source. */
  scope: string;
  read(uri: string): Promise<SourceItem>;
}

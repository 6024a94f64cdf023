/**
 * Responses whose body the adapter cut (`cutResponse`), with the bytes kept.
 * Kept beside the response rather than on it: axios hands the adapter's
 * response object on as it is, and its type has no room for a mark.
 */
const cutResponses = new WeakMap<object, number>();

/** Marks `response` as cut, `keptBytes` of its body kept. */
export function markBodyCut(response: object, keptBytes: number): void {
  cutResponses.set(response, keptBytes);
}

/** The bytes kept of a cut response's body; undefined for a body read whole. */
export function bodyCutOf(response: object): number | undefined {
  return cutResponses.get(response);
}

/** The log's line for a response whose body was read only in part (`keepResponseBytes`); null for a whole one. */
export function bodyCutLine(response: object): string | null {
  const kept = cutResponses.get(response);
  return kept === undefined
    ? null
    : `response body cut at ${kept} bytes: the rest is not read, its status is what counts`;
}

/**
 * The first `maxBytes` of a body that was cut (at its limit, or where it
 * stopped coming), ending before a UTF-8 character the cut split: a text cut
 * mid-character would no longer decode as UTF-8 (decode-body.ts would fall
 * back to windows-1252). At most three bytes go.
 */
export function cutAt(body: Buffer, maxBytes: number): Buffer {
  let end = Math.min(body.length, maxBytes);
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let lead = end - 1;
  while (lead >= 0 && end - lead < 4 && (body[lead]! & 0xc0) === 0x80) lead--;
  const first = body[lead];
  if (first !== undefined && first >= 0xc0) {
    const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
    if (lead + length > end) end = lead;
  }
  return body.subarray(0, end);
}

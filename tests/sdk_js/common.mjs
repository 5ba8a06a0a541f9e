// What every SDK script shares: its arguments, the download of the output, and the one JSON line.
//
//   VIDUKIT_SDK_KEY=<key> node <sdk>.mjs <base URL> <output file> [<size>]
//
// <size> is what the test asks for: "540p 9:16" (resolution and aspect ratio) for the SDKs
// whose provider takes those, "816x608" (width x height) for Runware.
//
// The SDK runs unchanged but for its base URL; this module only reads the URL the SDK
// reported, downloads it with fetch (as a user would), keeps the bytes for the Python test
// to measure, and says whether the file opens with an MP4 "ftyp" box.

import { writeFile } from "node:fs/promises";

export const PROMPT = "@1 walks along the beach at sunset";
export const IMAGE = "https://example.com/subject-1.png";

/** The base URL, output path, key and asked size; a missing one is a one-line usage error. */
export function args() {
  const [baseUrl, outPath, size = ""] = process.argv.slice(2);
  const key = process.env.VIDUKIT_SDK_KEY;
  if (!baseUrl || !outPath || !key) {
    process.stderr.write(
      "usage: VIDUKIT_SDK_KEY=<key> node <sdk>.mjs <base URL> <output file> [<size>]\n",
    );
    process.exit(2);
  }
  return { baseUrl, outPath, key, size };
}

/** Download *url* to *outPath*; what a client learns from it (HTTP status, size, ftyp box). */
export async function download(url, outPath) {
  const response = await fetch(url);
  const bytes = Buffer.from(await response.arrayBuffer());
  await writeFile(outPath, bytes);
  const box = bytes.subarray(4, 8).toString("latin1");
  return { http_status: response.status, bytes: bytes.length, ftyp: box === "ftyp" };
}

/** Print one JSON line and leave, so no SDK timer (heartbeat, reconnect) keeps node alive. */
export function report(result) {
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
}

/** Run *flow*; an exception (or a rejected non-Error) becomes what the SDK reported. */
export async function main(flow, describe) {
  try {
    report({ ok: true, ...(await flow()) });
  } catch (error) {
    report({ ok: false, error: describe(error) });
  }
}

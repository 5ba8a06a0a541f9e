// Runware's official JavaScript SDK (npm `@runware/sdk-js`), WebSocket only: `videoInference`
// forces deliveryMethod "async" and polls getResponse every 2 s by itself. Only the `url`
// option is changed (the SDK appends ?sdk=js&version=...).

import { Runware } from "@runware/sdk-js";
import { args, download, main, report, IMAGE } from "./common.mjs";

const { baseUrl, outPath, key, size } = args();
const [width, height] = (size || "960x528").split("x").map(Number);
const runware = new Runware({ apiKey: key, url: baseUrl });

// VIDUKIT_SDK_WATCH_MS=<ms>: report {ok: false, pending: true} if the SDK has neither resolved
// nor rejected by then (its own wait on an unfinished task is 10 minutes, polling every 2 s).
const watchMs = Number(process.env.VIDUKIT_SDK_WATCH_MS || 0);
if (watchMs > 0) {
  setTimeout(() => report({ ok: false, pending: true, waited_ms: watchMs }), watchMs);
}

await main(
  async () => {
    const videos = await runware.videoInference({
      model: "vidu:3@1",
      positivePrompt: "a paper boat drifting down a rain-soaked street",
      width,
      height,
      duration: 1,
      inputs: { referenceImages: [IMAGE] },
    });
    const [video] = videos;
    return {
      status: video.status,
      task_uuid: video.taskUUID,
      url: video.videoURL,
      download: await download(video.videoURL, outPath),
    };
  },
  // The SDK rejects with the server's error item wrapped as {error: {...}}, not an Error.
  (error) => (error instanceof Error ? { message: error.message } : error),
);

// fal.ai's official JavaScript client (npm `@fal-ai/client`): `fal.queue.submit` queues the
// request, `fal.queue.subscribeToStatus` polls its status until COMPLETED, `fal.queue.result`
// fetches the output; then `fal.subscribe` runs a second request the one-call way.
//
// The client builds every URL as https://queue.fal.run/... (a host it does not let one
// change), so the only setting is the client's own `requestMiddleware` hook moving that
// origin to the mock's https base URL; the CA comes from NODE_EXTRA_CA_CERTS.

import { fal } from "@fal-ai/client";
import { args, download, main, IMAGE } from "./common.mjs";

const { baseUrl, outPath, key, size } = args();
const [resolution = "540p", aspectRatio = "16:9"] = size.split(" ").filter(Boolean);
const ORIGIN = "https://queue.fal.run";
const MODEL = "fal-ai/vidu/q2/reference-to-video/pro";

fal.config({
  credentials: key,
  requestMiddleware: async (request) =>
    request.url.startsWith(ORIGIN + "/")
      ? { ...request, url: baseUrl + request.url.slice(ORIGIN.length) }
      : request,
});

const input = {
  prompt: "a cat turns its head",
  reference_image_urls: [IMAGE],
  resolution,
  aspect_ratio: aspectRatio,
  duration: 1,
};

await main(
  async () => {
    const queued = await fal.queue.submit(MODEL, { input });
    const statuses = [];
    const done = await fal.queue.subscribeToStatus(MODEL, {
      requestId: queued.request_id,
      mode: "polling",
      pollInterval: 50,
      logs: true,
      onQueueUpdate: (update) => statuses.push(update.status),
    });
    const result = await fal.queue.result(MODEL, { requestId: queued.request_id });
    const url = result.data.video.url;
    const again = await fal.subscribe(MODEL, { input, pollInterval: 50 });
    return {
      request_id: queued.request_id,
      statuses,
      final: done.status,
      url,
      subscribed: { request_id: again.requestId, url: again.data.video.url },
      download: await download(url, outPath),
    };
  },
  (error) => ({
    name: error?.name,
    status: error?.status,
    message: String(error?.message ?? error),
    field_errors: error?.name === "ValidationError" ? error.fieldErrors : undefined,
  }),
);

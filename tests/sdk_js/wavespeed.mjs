// WaveSpeed's official JavaScript SDK (npm `wavespeed`): `run()` submits, then polls
// /api/v3/predictions/{id}/result itself until a terminal status. Only the base URL and its
// own `pollInterval` option (seconds; the mock's task is finished on the first poll) are set.

import { Client } from "wavespeed";
import { args, download, main, IMAGE } from "./common.mjs";

const { baseUrl, outPath, key, size } = args();
const [resolution = "540p", aspectRatio = "16:9"] = size.split(" ").filter(Boolean);
const client = new Client(key, { baseUrl });
// VIDUKIT_SDK_UPLOAD=<file>: upload() it first (a ticket from /api/v3/media/uploads, a PUT of
// the bytes) and use the download URL it returns as the reference image.
const upload = process.env.VIDUKIT_SDK_UPLOAD;

await main(
  async () => {
    const image = upload ? await client.upload(upload) : IMAGE;
    const result = await client.run(
      "vidu/reference-to-video-q2",
      {
        prompt: "a cat turns its head",
        images: [image],
        resolution,
        aspect_ratio: aspectRatio,
        duration: 1,
      },
      { pollInterval: 0.05, timeout: 30 },
    );
    const url = result.outputs[0];
    return { image, outputs: result.outputs, url, download: await download(url, outPath) };
  },
  (error) => ({ name: error?.name, message: String(error?.message ?? error) }),
);

// Novita's official JavaScript SDK (npm `novita-sdk`): it has no method for this model, so
// the submit goes through its public generic `httpFetch({url, method, data})` and the caller
// loops on `progress({task_id})`, the SDK's task-result call, as its README shows for its own
// async tasks. Only `setBaseUrl` is changed; the SDK sends the key as `Authorization: <key>`.

import novita from "novita-sdk";
import { args, download, main, IMAGE, PROMPT } from "./common.mjs";

const { NovitaSDK, TaskStatus } = novita;
const { baseUrl, outPath, key, size } = args();
const [resolution = "540p", aspectRatio = "16:9"] = size.split(" ").filter(Boolean);
const sdk = new NovitaSDK(key);
sdk.setBaseUrl(baseUrl);

const POLL_MS = 50;
const MAX_POLLS = 400;

await main(
  async () => {
    const submitted = await sdk.httpFetch({
      url: "/v3/async/vidu-q2-reference2video",
      method: "POST",
      data: {
        prompt: PROMPT,
        duration: 1,
        resolution,
        aspect_ratio: aspectRatio,
        subjects: [{ id: "1", images: [IMAGE] }],
      },
    });
    const taskId = submitted.task_id;
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      const progress = await sdk.progress({ task_id: taskId });
      const task = progress.task;
      if (task.status === TaskStatus.SUCCEED) {
        const url = progress.videos[0].video_url;
        return { task_id: taskId, status: task.status, url, download: await download(url, outPath) };
      }
      if (task.status === TaskStatus.FAILED) {
        return { ok: false, task_id: taskId, status: task.status, reason: task.reason };
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`task ${taskId} did not finish in ${MAX_POLLS} polls`);
  },
  // A NovitaError is no Error: it carries the HTTP status as `code`, and `reason` and `msg`.
  (error) => ({ code: error?.code, reason: error?.reason, message: error?.msg ?? String(error) }),
);

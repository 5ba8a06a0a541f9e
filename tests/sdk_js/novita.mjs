// Novita's official JavaScript SDK (npm `novita-sdk`): it has no method for this model, so
// the submit goes through its public generic `httpFetch({url, method, data})` and the caller
// loops on `progress({task_id})`, the SDK's task-result call, as its README shows for its own
// async tasks. Only `setBaseUrl` is changed; the SDK sends the key as `Authorization: <key>`.

import novita from "novita-sdk";
import { args, download, main, IMAGE, PROMPT } from "./common.mjs";

const { NovitaSDK, TaskStatus, APIErrReason } = novita;
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
    // Every status the polls showed, and whether the SDK's own TaskStatus names it (it has
    // TASK_STATUS_UNKNOWN, which the Python SDK's enum lacks).
    const seen = [];
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      const progress = await sdk.progress({ task_id: taskId });
      const task = progress.task;
      seen.push({ status: task.status, known: Object.values(TaskStatus).includes(task.status) });
      if (task.status === TaskStatus.SUCCEED) {
        const url = progress.videos[0].video_url;
        const file = await download(url, outPath);
        return { task_id: taskId, status: task.status, seen, url, download: file };
      }
      if (task.status === TaskStatus.FAILED) {
        return { ok: false, task_id: taskId, status: task.status, seen, reason: task.reason };
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`task ${taskId} did not finish in ${MAX_POLLS} polls`);
  },
  // A NovitaError is no Error: it carries the HTTP status as `code`, and `reason` and `msg`;
  // `known_reason`: the reason is one of the SDK's own APIErrReason names.
  (error) => ({
    code: error?.code,
    reason: error?.reason,
    known_reason: Object.values(APIErrReason).includes(error?.reason),
    message: error?.msg ?? String(error),
  }),
);

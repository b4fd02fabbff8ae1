#!/usr/bin/env node
// Runs transformers.js loads in a fresh process, as a user's program would: one process is one
// "run" (transformers.js memoises metadata and in-flight loads per process). Used by the adapter's
// tests and bench/transformers.mjs.
//
//   node test/transformers-js/runner.mjs '<json>'
//   { "hubkit": true,                       // useHubkit(env) from dist/transformers.js, or not
//     "remoteHost": "http://127.0.0.1:1234/", // without hubkit: transformers.js's own fetch + FS cache
//     "cacheDir": "/tmp/x",                  // env.cacheDir (transformers.js's own cache folder)
//     "progress": true,                      // collect progress_callback events
//     "steps": [{ "load": "tokenizer" | "config" | "pipeline" | "model" | "fetch", "model": "org/name",
//                 "revision": "dev", "input": "hello", "url": "...",
//                 "external": true }] }                // use_external_data_format
//
// Prints one line `@@RESULT {...}` with { steps: [{ ok, result | error, ms }], progress: [...],
// maxRssMiB };
// transformers.js's own console output goes around it.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AutoConfig, AutoModelForCausalLM, AutoTokenizer, env, pipeline } from "@huggingface/transformers";

const here = dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(process.argv[2] ?? "{}");
const progress = [];
const out = { steps: [], progress, version: env.version };

if (spec.cacheDir) env.cacheDir = spec.cacheDir;
if (spec.hubkit) {
  const { useHubkit } = await import(pathToFileURL(join(here, "..", "..", "dist", "transformers.js")).href);
  useHubkit(env, spec.token !== undefined ? { token: spec.token } : {});
} else if (spec.remoteHost) {
  env.remoteHost = spec.remoteHost;
}

for (const step of spec.steps ?? []) {
  const options = {
    ...(step.revision ? { revision: step.revision } : {}),
    ...(spec.progress ? { progress_callback: (e) => progress.push(e) } : {}),
    ...(step.external ? { use_external_data_format: true } : {}),
  };
  const started = performance.now();
  try {
    let result;
    if (step.load === "tokenizer") {
      const tokenizer = await AutoTokenizer.from_pretrained(step.model, options);
      result = { ids: tokenizer.encode(step.input ?? "hello world") };
    } else if (step.load === "config") {
      const config = await AutoConfig.from_pretrained(step.model, options);
      result = { model_type: config.model_type, hidden_size: config.hidden_size };
    } else if (step.load === "pipeline") {
      const extractor = await pipeline("feature-extraction", step.model, { dtype: "fp32", ...options });
      const output = await extractor(step.input ?? "hello world");
      result = { dims: output.dims };
      await extractor.dispose?.();
    } else if (step.load === "model") {
      // A causal LM: its weights plus the optional generation_config.json (session_config.js:23-27).
      const model = await AutoModelForCausalLM.from_pretrained(step.model, { dtype: "fp32", ...options });
      result = { generation: model.generation_config ?? null, inputs: model.sessions.model.inputNames };
      await model.dispose();
    } else if (step.load === "fetch") {
      const res = await env.fetch(step.url, {});
      result = { status: res.status };
      await res.body?.cancel();
    }
    out.steps.push({ ok: true, result, ms: performance.now() - started });
  } catch (e) {
    out.steps.push({
      ok: false,
      ms: performance.now() - started,
      error: { name: e?.name, code: e?.code, message: String(e?.message ?? e), remedy: e?.remedy },
    });
  }
}
out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(`@@RESULT ${JSON.stringify(out)}`);

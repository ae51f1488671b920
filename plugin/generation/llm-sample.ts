/**
 * Worker side of an LLM sample: ask the main process's generation service (service.ts) for the answer, then
 * extract the program from it (extract.ts). What cannot become a candidate is a sample outcome (refusal, empty,
 * no-code); what went wrong on our side or the provider's is an infrastructure error, never a verdict.
 */
import type { ModelSpec } from '../config/types.js';
import type { Language } from '../languages/types.js';
import { interfaceFor, type Task } from '../spec/task.js';
import { connectGeneration, type GenerationClient } from './client.js';
import { extractProgram } from './extract.js';
import { hashFiles, type Sample } from './samples.js';

/** One connection per worker and socket: requests are multiplexed on it. */
const clients = new Map<string, GenerationClient>();

function clientFor(socket: string): GenerationClient {
  let c = clients.get(socket);
  if (!c) clients.set(socket, (c = connectGeneration(socket)));
  return c;
}

/** Thrown for what is not the candidate's doing: the case becomes an infra-error and the row incomplete. */
export class GenerationFailed extends Error {}

export async function generateSample(socket: string, model: ModelSpec, task: Task, lang: Language, placeholder: Sample, signal: AbortSignal): Promise<Sample> {
  // DUALGAUGE_REGENERATE=1: ask the models again instead of reusing answers of earlier runs (they are replaced).
  const bypassCache = process.env.DUALGAUGE_REGENERATE === '1';
  const answer = await clientFor(socket).request({ model: model.id, taskId: task.id, language: lang.name, sampleIndex: placeholder.index, ...(bypassCache && { bypassCache }) }, signal);
  switch (answer.status) {
    case 'ok': {
      const got = extractProgram(answer.text, lang, { functionName: interfaceFor(task, lang.name).function, refused: answer.refused });
      const source = `${model.id} #${placeholder.index}${answer.cached ? ' (cached)' : ''}`;
      const generation = { cached: answer.cached, model: answer.model, finish: answer.finish, refused: answer.refused, usage: answer.usage, costUsd: answer.costUsd };
      if (got.failure) return { index: placeholder.index, source, files: null, failure: got.failure, hash: '', generation };
      return { index: placeholder.index, source, files: got.files, failure: null, hash: hashFiles(got.files), generation };
    }
    case 'error':
      throw new GenerationFailed(`generation failed for ${model.id}: ${answer.error.message}${answer.error.hint ? ` (${answer.error.hint})` : ''}`);
    case 'budget':
      throw new GenerationFailed(`not generated: ${answer.message}`);
    case 'skipped':
      throw new GenerationFailed(`${model.id} skipped: ${answer.message}`);
    case 'aborted':
      throw new GenerationFailed('generation aborted');
  }
}

import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface CostLine {
  name: string;
  selfPct: number;
}

/**
 * Self time of a V8 .cpuprofile (from `node --cpu-prof`), by function and by where the
 * code lives (our server, a package, Node internals), highest first. Idle and GC are
 * kept, since GC is a per-request-allocation cost worth seeing.
 */
export async function summarizeProfile(path: string, top = 25): Promise<{ byFunction: CostLine[]; byOrigin: CostLine[] }> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);

  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const where = shortUrl(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const origin = originOf(frame);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  const lines = (map: Map<string, number>): CostLine[] =>
    [...map]
      .map(([name, us]) => ({ name, selfPct: (us / total) * 100 }))
      .sort((a, b) => b.selfPct - a.selfPct)
      .slice(0, top);
  return { byFunction: lines(functions), byOrigin: lines(origins) };
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url;
}

function originOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length).split('/').slice(0, 2).join('/');
  return url;
}

export declare const DEFAULT_OUTDIR: string;
export declare function buildClient(options?: { outdir?: string; write?: boolean }): Promise<{
  script: string;
  style: string;
  sizes: Record<string, number>;
}>;

// What a reader sees of rendered output: the text without its styling and cursor moves.
// eslint-disable-next-line no-control-regex
const CSI = /\u001b\[[0-9;?]*[A-Za-z]/gu;

export function stripAnsi(text: string): string {
  return text.replace(CSI, '').replace(/\r\n/gu, '\n');
}

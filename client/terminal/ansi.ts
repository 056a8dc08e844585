// The few escape sequences the terminal UI needs (ECMA-48 / xterm), named once.
const ESC = '\u001b[';

/** The alternate screen: the shell's scrollback is left as it was when we exit. */
export const ENTER_ALT_SCREEN = `${ESC}?1049h`;
export const LEAVE_ALT_SCREEN = `${ESC}?1049l`;
export const HIDE_CURSOR = `${ESC}?25l`;
export const SHOW_CURSOR = `${ESC}?25h`;
export const CURSOR_HOME = `${ESC}H`;
export const ERASE_TO_LINE_END = `${ESC}K`;
export const ERASE_BELOW = `${ESC}J`;
export const RESET_STYLE = `${ESC}0m`;

/** Select Graphic Rendition: `sgr(1, 31)` is bold red. */
export function sgr(...codes: number[]): string {
  return `${ESC}${codes.join(';')}m`;
}

export const BOLD = 1;
export const DIM = 2;
export const ITALIC = 3;
export const REVERSE = 7;
/** Others' lanes take these foreground colours in turn: red, green, yellow, blue, magenta, cyan. */
export const LANE_FOREGROUNDS = [31, 32, 33, 34, 35, 36] as const;

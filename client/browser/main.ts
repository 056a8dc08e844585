import { hostIo } from '../core/io.js';
import { startChatPage } from './chat-page.js';

// The bundle is only ever loaded by the chat page (chatPage in server/pages/page-html.ts).
void startChatPage({ win: window, io: hostIo() });

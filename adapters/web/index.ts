/**
 * The web adapter's entry points for the composition root: the receiver behind the REST API's message and
 * click routes, the sender (replies are delivered by being stored), the renderer the web chat's API views
 * carry, and the chat page itself. The web chat is a REST API client like any other.
 */
export type { WebMessageLookup } from './ports.ts';
export { presentMessage } from './present.ts';
export { WebReceiver, type WebReceiverOptions } from './receiver.ts';
export { renderReplyHtml, renderUserText } from './render.ts';
export { storedDeliverySender } from './sender.ts';
export { webChatHandler } from './static-files.ts';

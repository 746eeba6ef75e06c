/**
 * The baseline of bench/slack-ack.ts, in its own process as our gateway is: a bare Bolt app as its README
 * starts one (HTTPReceiver, signature check, a listener that does nothing) on 127.0.0.1:$PORT.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
});
const app = new App({
  receiver,
  token: process.env.SLACK_BOT_TOKEN ?? '',
  botId: 'B0CHATOPS01',
  botUserId: 'U0BOTUSER01',
  tokenVerificationEnabled: false,
  logLevel: LogLevel.ERROR,
});
app.event('app_mention', async () => {});
await receiver.start(Number(process.env.PORT));
console.log('bare-bolt-ready');
process.on('SIGTERM', () => {
  void receiver.stop().then(() => process.exit(0));
});

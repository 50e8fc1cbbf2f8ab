/**
 * A test host for the query tool's MCP App, built on the extension SDK's host side
 * (AppBridge): it puts the view's page in a sandboxed iframe (scripts only, an opaque
 * origin, as hosts do), connects over postMessage, and, once the view says it is
 * initialized, sends it the tool's input and result as a host would. Bundled for the
 * browser by tests/integration/mcp-app.test.ts.
 */
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';

declare global {
  interface Window {
    show(view: string, args: Record<string, unknown>, result: unknown, theme: 'light' | 'dark'): Promise<void>;
  }
}

window.show = async (view, args, result, theme) => {
  document.documentElement.style.background = theme === 'dark' ? '#1e1e1e' : '#fff';
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.style.cssText = 'width:760px;height:420px;border:0';
  const loaded = new Promise<void>((resolve) => iframe.addEventListener('load', () => resolve(), { once: true }));
  document.body.replaceChildren(iframe);
  const bridge = new AppBridge(null, { name: 'test-host', version: '1.0.0' }, {}, { hostContext: { theme, displayMode: 'inline', availableDisplayModes: ['inline'] } });
  bridge.onsizechange = ({ height }) => {
    if (height !== undefined) iframe.style.height = `${height}px`;
  };
  const initialized = new Promise<void>((resolve) => (bridge.oninitialized = () => resolve()));
  // Listening before the page loads: its ui/initialize comes as soon as its script runs.
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  iframe.srcdoc = view;
  await loaded;
  await initialized;
  await bridge.sendToolInput({ arguments: args });
  await bridge.sendToolResult(result as never);
};

export default async function globalTeardown(): Promise<void> {
  await Promise.all([globalThis.localPrometheus?.stop(), globalThis.localPrometheus3?.stop(), globalThis.localAlertmanager?.stop()]);
}

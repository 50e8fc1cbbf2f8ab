/**
 * A workspace-shaped dataset for the agent-task suite: what an AMP workspace behind one EKS
 * cluster holds, generated from a seed. node_exporter on 40 hosts, ten HTTP services
 * (handler, method, code; a latency histogram; their own metrics), kube-state-metrics over
 * the cluster's objects, CoreDNS, the Prometheus agent that writes to the workspace, the Go
 * runtime and process metrics of every target, and the series Prometheus adds per target
 * (up, scrape_*); two targets are down. One hour, a sample a minute, ending at the suite's
 * "now". The same seed gives the same data, so the suite's expected facts are computed
 * from it.
 *
 * Counters rise at a constant rate (rounded as exporters print them), so rate() over any
 * window of the hour is the same in Prometheus 2 and 3; gauges wave and jitter.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** 2023-04-01T00:00Z, the suite's "now". */
export const WORKSPACE_END = 1680307200;
export const WORKSPACE_INTERVAL = 60;
export const WORKSPACE_POINTS = 61;
export const WORKSPACE_START = WORKSPACE_END - (WORKSPACE_POINTS - 1) * WORKSPACE_INTERVAL;

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface WorkspaceSeries {
  /** The sample name (a histogram's `_bucket`, `_sum`, `_count`). */
  name: string;
  labels: Record<string, string>;
  /** One value per WORKSPACE_INTERVAL from WORKSPACE_START. */
  values: Float64Array;
}

export interface WorkspaceFamily {
  /** As Prometheus' metadata names it: counters with `_total`, histograms and summaries without suffix. */
  name: string;
  type: MetricType;
  help: string;
  series: WorkspaceSeries[];
}

export interface Workspace {
  seed: number;
  families: WorkspaceFamily[];
}

/** The sample of a series at a time on the grid, or undefined outside the hour. */
export function workspaceValue(series: WorkspaceSeries, time: number): number | undefined {
  const i = (time - WORKSPACE_START) / WORKSPACE_INTERVAL;
  return Number.isInteger(i) && i >= 0 && i < WORKSPACE_POINTS ? series.values[i] : undefined;
}

export interface WorkspaceShape {
  metricNames: number;
  families: number;
  series: number;
  samples: number;
  jobs: number;
  targets: number;
}

export function workspaceShape(workspace: Workspace): WorkspaceShape {
  const series = workspace.families.flatMap((f) => f.series);
  const names = new Set(series.map((s) => s.name));
  const up = series.filter((s) => s.name === 'up');
  return {
    metricNames: names.size,
    families: workspace.families.length,
    series: series.length,
    samples: series.length * WORKSPACE_POINTS,
    jobs: new Set(up.map((s) => s.labels.job)).size,
    targets: up.length,
  };
}

// ---------------------------------------------------------------------------------------
// Output

/** Writes the data as OpenMetrics (timestamps in seconds, `# EOF` last), for promtool's backfill. */
export function writeOpenMetrics(workspace: Workspace, file: string): void {
  const fd = openSync(file, 'w');
  let chunk: string[] = [];
  let size = 0;
  const flush = () => {
    writeSync(fd, chunk.join(''));
    chunk = [];
    size = 0;
  };
  try {
    for (const family of workspace.families) {
      // OpenMetrics names a counter's family without `_total`, and has no `untyped`.
      const base = family.type === 'counter' ? family.name.slice(0, -'_total'.length) : family.name;
      chunk.push(`# HELP ${base} ${family.help}\n# TYPE ${base} ${family.type === 'untyped' ? 'unknown' : family.type}\n`);
      for (const series of family.series) {
        const prefix = `${series.name}${labelText(series.labels)} `;
        for (let i = 0; i < WORKSPACE_POINTS; i++) {
          const line = `${prefix}${series.values[i]} ${WORKSPACE_START + i * WORKSPACE_INTERVAL}\n`;
          chunk.push(line);
          size += line.length;
        }
        if (size > 1 << 20) flush();
      }
    }
    chunk.push('# EOF\n');
    flush();
  } finally {
    closeSync(fd);
  }
}

/**
 * One sample of every family in Prometheus' text format, for a live target: backfilled
 * blocks carry no metadata, a scrape does. `up` and `scrape_*` are Prometheus' own.
 */
export function metadataExposition(workspace: Workspace): string {
  const lines: string[] = [];
  for (const family of workspace.families) {
    if (family.name === 'up' || family.name.startsWith('scrape_')) continue;
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') lines.push(`${family.name}_bucket{le="+Inf"} 0`, `${family.name}_sum 0`, `${family.name}_count 0`);
    else if (family.type === 'summary') lines.push(`${family.name}_sum 0`, `${family.name}_count 0`);
    else lines.push(`${family.name} 0`);
  }
  lines.push('');
  return lines.join('\n');
}

function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

// ---------------------------------------------------------------------------------------
// Values

/** mulberry32: a small seeded generator, the same numbers on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Labels = Record<string, string>;

/** A value's shape over the hour. */
type Shape =
  /** A counter: `start`, rising `perSecond`, printed with `decimals`. */
  | { rise: number; from: number; decimals?: number }
  /** A gauge around `level`, waving and jittering by up to `spread` of it. */
  | { level: number; spread: number; decimals?: number }
  /** The same value all hour. */
  | number;

class Generator {
  readonly rnd: () => number;
  private readonly families = new Map<string, WorkspaceFamily>();
  private readonly ips = new Set<string>();

  constructor(readonly seed: number) {
    this.rnd = random(seed);
  }

  /** A number in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.rnd();
  }

  int(min: number, max: number): number {
    return Math.floor(this.between(min, max + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)]!;
  }

  hex(length: number, alphabet = '0123456789abcdef'): string {
    return Array.from({ length }, () => this.pick(alphabet.split(''))).join('');
  }

  /** Letters and digits as Kubernetes names pods and replica sets. */
  podHash(length: number): string {
    return this.hex(length, 'bcdfghjklmnpqrstvwxz2456789');
  }

  /** An address in one of the subnets, never the same twice. */
  ip(subnets: readonly string[]): string {
    for (;;) {
      const ip = `${this.pick(subnets)}.${this.int(10, 250)}`;
      if (!this.ips.has(ip)) return this.ips.add(ip), ip;
    }
  }

  uid(): string {
    return [8, 4, 4, 4, 12].map((n) => this.hex(n)).join('-');
  }

  values(shape: Shape): Float64Array {
    const values = new Float64Array(WORKSPACE_POINTS);
    if (typeof shape === 'number') return values.fill(shape);
    if ('rise' in shape) {
      for (let i = 0; i < WORKSPACE_POINTS; i++) values[i] = round(shape.from + shape.rise * i * WORKSPACE_INTERVAL, shape.decimals ?? 0);
      return values;
    }
    const period = this.between(15, 90);
    const phase = this.between(0, 2 * Math.PI);
    for (let i = 0; i < WORKSPACE_POINTS; i++) {
      const wave = 0.6 * Math.sin((2 * Math.PI * i) / period + phase) + 0.4 * (2 * this.rnd() - 1);
      values[i] = Math.max(0, round(shape.level * (1 + shape.spread * wave), shape.decimals ?? 0));
    }
    return values;
  }

  /** Adds a series to its family (created on first use). */
  add(family: string, type: MetricType, help: string, labels: Labels, shape: Shape, sample = family): void {
    if (type === 'counter' && !family.endsWith('_total')) throw new Error(`counter ${family} must end in _total`);
    let f = this.families.get(family);
    if (f === undefined) this.families.set(family, (f = { name: family, type, help, series: [] }));
    f.series.push({ name: sample, labels, values: this.values(shape) });
  }

  /** A classic histogram: cumulative buckets of a count rising `perSecond`, and its sum. */
  histogram(family: string, help: string, labels: Labels, bounds: number[], perSecond: number, mean: number): void {
    const from = Math.floor(perSecond * this.between(1e4, 1e6));
    // The share of observations at or below each bound: a log-normal-ish curve around the mean.
    const shares = bounds.map((b) => 1 / (1 + (mean / b) ** 2.2));
    for (const [i, bound] of [...bounds, Infinity].entries()) {
      const share = i < bounds.length ? shares[i]! : 1;
      this.add(family, 'histogram', help, { ...labels, le: bound === Infinity ? '+Inf' : String(bound) }, 0, `${family}_bucket`);
      const values = this.last(family).values;
      for (let k = 0; k < WORKSPACE_POINTS; k++) values[k] = Math.floor((from + perSecond * k * WORKSPACE_INTERVAL) * share);
    }
    this.add(family, 'histogram', help, labels, 0, `${family}_count`);
    const count = this.last(family).values;
    for (let k = 0; k < WORKSPACE_POINTS; k++) count[k] = Math.floor(from + perSecond * k * WORKSPACE_INTERVAL);
    this.add(family, 'histogram', help, labels, 0, `${family}_sum`);
    const sum = this.last(family).values;
    for (let k = 0; k < WORKSPACE_POINTS; k++) sum[k] = round(count[k]! * mean, 3);
  }

  /** A summary: quantile gauges, and a count and sum rising. */
  summary(family: string, help: string, labels: Labels, quantiles: [string, number][], perSecond: number): void {
    for (const [q, v] of quantiles) this.add(family, 'summary', help, { ...labels, quantile: q }, { level: v, spread: 0.2, decimals: 9 });
    const from = this.int(1000, 100_000);
    this.add(family, 'summary', help, labels, { rise: perSecond, from, decimals: 0 }, `${family}_count`);
    const mean = quantiles[Math.floor(quantiles.length / 2)]![1];
    this.add(family, 'summary', help, labels, { rise: perSecond * mean, from: from * mean, decimals: 6 }, `${family}_sum`);
  }

  private last(family: string): WorkspaceSeries {
    return this.families.get(family)!.series.at(-1)!;
  }

  seriesOf(labels: Labels): number {
    let n = 0;
    for (const f of this.families.values()) for (const s of f.series) if (s.labels.job === labels.job && s.labels.instance === labels.instance) n++;
    return n;
  }

  workspace(): Workspace {
    return { seed: this.seed, families: [...this.families.values()] };
  }
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

// ---------------------------------------------------------------------------------------
// The cluster

const GiB = 2 ** 30;

interface Target {
  labels: Labels;
  up: boolean;
}

interface Pod {
  namespace: string;
  name: string;
  node: string;
  ip: string;
  uid: string;
  owner: { kind: string; name: string };
  container: string;
  image: string;
  ready: boolean;
  restarts: number;
}

/** Generates the workspace. The seed is what makes it the same on every run. */
export function generateWorkspace(seed = 20230401): Workspace {
  const g = new Generator(seed);
  const targets: Target[] = [];
  const pods: Pod[] = [];

  const hosts = Array.from({ length: 40 }, (_, i) => {
    const ip = g.ip([`10.0.${[32, 64, 96][i % 3]}`]);
    return { ip, node: `ip-${ip.replace(/\./g, '-')}.ec2.internal`, memory: g.pick([32, 32, 64]) * GiB, uptime: g.between(2, 40) * 86400 };
  });
  const podIp = () => g.ip(['10.0.33', '10.0.34', '10.0.65', '10.0.66', '10.0.97', '10.0.98']);
  const podOn = (namespace: string, name: string, owner: Pod['owner'], container: string, image: string, node = g.pick(hosts), ip = podIp()) => {
    const pod: Pod = { namespace, name, node: node.node, ip, uid: g.uid(), owner, container, image, ready: true, restarts: g.pick([0, 0, 0, 1, 2]) };
    pods.push(pod);
    return pod;
  };

  // node_exporter on every host, one more host down (in service discovery, answering nothing).
  for (const host of hosts) {
    const image = 'quay.io/prometheus/node-exporter:v1.5.0';
    podOn('monitoring', `node-exporter-${g.podHash(5)}`, { kind: 'DaemonSet', name: 'node-exporter' }, 'node-exporter', image, host, host.ip);
    const target = { labels: { instance: `${host.ip}:9100`, job: 'node' }, up: true };
    targets.push(target);
    nodeExporter(g, target.labels, host);
  }
  targets.push({ labels: { instance: '10.0.64.7:9100', job: 'node' }, up: false });

  // Daemon sets of EKS on every host.
  const ecr = '602401143452.dkr.ecr.us-east-1.amazonaws.com';
  for (const host of hosts) {
    for (const [name, image] of [['aws-node', `${ecr}/amazon-k8s-cni:v1.12.6`], ['kube-proxy', `${ecr}/eks/kube-proxy:v1.25.6-eksbuild.2`]]) {
      podOn('kube-system', `${name}-${g.podHash(5)}`, { kind: 'DaemonSet', name: name! }, name!, image!, host, host.ip);
    }
  }

  // Ten HTTP services, three pods each; one pod of payments crash-loops (its target is down).
  for (const service of SERVICES) {
    const rs = g.podHash(10);
    for (let i = 0; i < 3; i++) {
      const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/${service.name}:v${g.int(1, 3)}.${g.int(0, 20)}.${g.int(0, 9)}`;
      const pod = podOn(service.namespace, `${service.name}-${rs}-${g.podHash(5)}`, { kind: 'ReplicaSet', name: `${service.name}-${rs}` }, service.name, image);
      const labels = { instance: `${pod.ip}:8080`, job: service.name, namespace: pod.namespace, pod: pod.name };
      const down = service.name === 'payments' && i === 2;
      targets.push({ labels, up: !down });
      if (down) {
        Object.assign(pod, { ready: false, restarts: 37 });
        continue;
      }
      httpService(g, labels, service);
      goRuntime(g, labels);
    }
  }

  // The cluster's own deployments.
  for (const d of SYSTEM_DEPLOYMENTS) {
    const rs = g.podHash(10);
    for (let i = 0; i < d.replicas; i++) {
      const pod = podOn(d.namespace, `${d.name}-${rs}-${g.podHash(5)}`, { kind: 'ReplicaSet', name: `${d.name}-${rs}` }, d.container ?? d.name, d.image);
      if (d.port === undefined) continue;
      const labels = { instance: `${pod.ip}:${d.port}`, job: d.job ?? d.name, namespace: pod.namespace, pod: pod.name };
      targets.push({ labels, up: true });
      if (d.name === 'coredns') coredns(g, labels);
      if (d.name === 'prometheus-agent') prometheusAgent(g, labels);
      goRuntime(g, labels);
    }
  }
  for (const s of STATEFUL_SETS) for (let i = 0; i < s.replicas; i++) podOn(s.namespace, `${s.name}-${i}`, { kind: 'StatefulSet', name: s.name }, s.name, s.image);

  const ksm = targets.find((t) => t.labels.job === 'kube-state-metrics')!;
  kubeStateMetrics(g, ksm.labels, hosts, pods);

  for (const host of hosts) goRuntime(g, { instance: `${host.ip}:9100`, job: 'node' });

  // What Prometheus writes for every target.
  for (const target of targets) {
    const samples = g.seriesOf(target.labels);
    g.add('up', 'gauge', 'Whether the target was up at its last scrape.', target.labels, target.up ? 1 : 0);
    g.add('scrape_duration_seconds', 'gauge', 'Duration of the scrape.', target.labels, target.up ? { level: 0.02 + samples / 1e5, spread: 0.3, decimals: 6 } : 10);
    g.add('scrape_samples_scraped', 'gauge', 'The number of samples the target exposed.', target.labels, samples);
    g.add('scrape_samples_post_metric_relabeling', 'gauge', 'The number of samples remaining after metric relabeling.', target.labels, samples);
    g.add('scrape_series_added', 'gauge', 'The approximate number of new series in this scrape.', target.labels, 0);
  }
  return g.workspace();
}

// ---------------------------------------------------------------------------------------
// node_exporter

const CPU_MODES: [string, number, number][] = [
  ['idle', 0.6, 0.9],
  ['iowait', 0.001, 0.01],
  ['irq', 0, 0],
  ['nice', 0, 0.0005],
  ['softirq', 0.002, 0.01],
  ['steal', 0.0005, 0.003],
  ['system', 0.02, 0.06],
  ['user', 0.05, 0.25],
];

const MEMORY_FIELDS: [string, number][] = [
  ['Active', 0.35],
  ['AnonPages', 0.3],
  ['Buffers', 0.01],
  ['Cached', 0.3],
  ['Committed_AS', 0.6],
  ['Dirty', 0.0001],
  ['Inactive', 0.25],
  ['KernelStack', 0.0005],
  ['Mapped', 0.05],
  ['MemAvailable', 0.55],
  ['MemFree', 0.2],
  ['MemTotal', 1],
  ['PageTables', 0.003],
  ['SReclaimable', 0.02],
  ['SUnreclaim', 0.01],
  ['Shmem', 0.005],
  ['Slab', 0.03],
  ['SwapFree', 0],
  ['SwapTotal', 0],
];

const NODE_GAUGES: [string, string, number, number, number][] = [
  // name, help, level, spread, decimals
  ['node_entropy_available_bits', 'Bits of available entropy.', 3800, 0.05, 0],
  ['node_load1', '1m load average.', 1.2, 0.6, 2],
  ['node_load5', '5m load average.', 1.1, 0.3, 2],
  ['node_load15', '15m load average.', 1.0, 0.15, 2],
  ['node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', 0.4, 1, 0],
  ['node_procs_running', 'Number of processes in runnable state.', 3, 0.6, 0],
  ['node_filefd_allocated', 'File descriptor statistics: allocated.', 9000, 0.1, 0],
  ['node_sockstat_TCP_inuse', 'Number of TCP sockets in state inuse.', 140, 0.2, 0],
  ['node_sockstat_TCP_tw', 'Number of TCP sockets in state tw.', 60, 0.5, 0],
  ['node_sockstat_sockets_used', 'Number of IPv4 sockets in use.', 420, 0.1, 0],
  ['node_nf_conntrack_entries', 'Number of currently allocated flow entries for connection tracking.', 2500, 0.3, 0],
  ['node_timex_offset_seconds', 'Time offset in between local system and reference clock.', 0.00002, 1, 7],
];

const NODE_COUNTERS: [string, string, number][] = [
  ['node_context_switches_total', 'Total number of context switches.', 9000],
  ['node_forks_total', 'Total number of forks.', 12],
  ['node_intr_total', 'Total number of interrupts serviced.', 6000],
];

const NODE_UNTYPED: [string, string, number][] = [
  ['node_vmstat_pgfault', '/proc/vmstat information field pgfault.', 4000],
  ['node_vmstat_pgmajfault', '/proc/vmstat information field pgmajfault.', 0.2],
  ['node_vmstat_pgpgin', '/proc/vmstat information field pgpgin.', 40],
  ['node_vmstat_pgpgout', '/proc/vmstat information field pgpgout.', 300],
  ['node_vmstat_oom_kill', '/proc/vmstat information field oom_kill.', 0],
  ['node_netstat_Tcp_ActiveOpens', 'Statistic TcpActiveOpens.', 8],
  ['node_netstat_Tcp_PassiveOpens', 'Statistic TcpPassiveOpens.', 6],
  ['node_netstat_Tcp_RetransSegs', 'Statistic TcpRetransSegs.', 0.5],
];

const COLLECTORS = ['arp', 'cpu', 'diskstats', 'filefd', 'filesystem', 'loadavg', 'meminfo', 'netdev', 'netstat', 'vmstat'];
const MOUNTS: [string, string, string][] = [
  ['/dev/nvme0n1p1', '/', 'xfs'],
  ['/dev/nvme0n1p128', '/boot/efi', 'vfat'],
  ['/dev/nvme1n1', '/var/lib/kubelet', 'xfs'],
];
const NET_DEVICES = ['eth0', 'lo'];
const DISKS = ['nvme0n1', 'nvme1n1'];

function nodeExporter(g: Generator, target: Labels, host: { ip: string; node: string; memory: number; uptime: number }): void {
  const boot = WORKSPACE_END - Math.round(host.uptime);
  const uptime = host.uptime;
  for (let cpu = 0; cpu < 8; cpu++) {
    for (const [mode, min, max] of CPU_MODES) {
      const share = g.between(min, max);
      g.add('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.', { ...target, cpu: String(cpu), mode }, { rise: share, from: share * uptime, decimals: 2 });
    }
  }
  for (const [field, share] of MEMORY_FIELDS) {
    const level = Math.round(host.memory * share);
    g.add(`node_memory_${field}_bytes`, 'gauge', `Memory information field ${field}_bytes.`, target, field === 'MemTotal' || level === 0 ? level : { level, spread: 0.03 });
  }
  for (const [name, help, level, spread, decimals] of NODE_GAUGES) g.add(name, 'gauge', help, target, { level, spread, decimals });
  for (const [name, help, rate] of NODE_COUNTERS) g.add(name, 'counter', help, target, { rise: rate * g.between(0.5, 1.5), from: rate * uptime });
  for (const [name, help, rate] of NODE_UNTYPED) g.add(name, 'untyped', help, target, { rise: rate * g.between(0.5, 1.5), from: Math.round(rate * uptime) });
  g.add('node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.', target, boot);
  g.add('node_time_seconds', 'gauge', 'System time in seconds since epoch (1970).', target, { rise: 1, from: WORKSPACE_START + g.between(0, 1), decimals: 3 });
  g.add('node_filefd_maximum', 'gauge', 'File descriptor statistics: maximum.', target, 9223372036854775807);
  g.add('node_nf_conntrack_entries_limit', 'gauge', 'Maximum size of connection tracking table.', target, 262144);
  g.add('node_timex_sync_status', 'gauge', 'Is clock synchronized to a reliable server (1 = yes, 0 = no).', target, 1);
  g.add('node_textfile_scrape_error', 'gauge', '1 if there was an error opening or reading a file, 0 otherwise', target, 0);
  g.add('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.', {
    ...target,
    domainname: '(none)',
    machine: 'x86_64',
    nodename: host.node,
    release: '5.10.176-157.645.amzn2.x86_64',
    sysname: 'Linux',
    version: '#1 SMP Mon Apr 3 17:15:09 UTC 2023',
  }, 1);
  g.add('node_os_info', 'gauge', 'A metric with a constant \'1\' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.', {
    ...target,
    id: 'amzn',
    id_like: 'centos rhel fedora',
    name: 'Amazon Linux',
    pretty_name: 'Amazon Linux 2',
    version: '2',
    version_id: '2',
  }, 1);
  g.add('node_exporter_build_info', 'gauge', "A metric with a constant '1' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.", {
    ...target,
    branch: 'HEAD',
    goarch: 'amd64',
    goos: 'linux',
    goversion: 'go1.19.3',
    revision: '1b48970ffcf5630534fb00bb0687d73c66d1c959',
    version: '1.5.0',
  }, 1);
  for (const collector of COLLECTORS) {
    g.add('node_scrape_collector_duration_seconds', 'gauge', 'node_exporter: Duration of a collector scrape.', { ...target, collector }, { level: g.between(0.0002, 0.004), spread: 0.4, decimals: 9 });
    g.add('node_scrape_collector_success', 'gauge', 'node_exporter: Whether a collector succeeded.', { ...target, collector }, 1);
  }
  for (const [device, mountpoint, fstype] of MOUNTS) {
    const labels = { ...target, device, fstype, mountpoint };
    const size = mountpoint === '/boot/efi' ? 10_446_848 : g.pick([80, 100, 200]) * GiB;
    const free = Math.round(size * g.between(0.2, 0.9));
    g.add('node_filesystem_size_bytes', 'gauge', 'Filesystem size in bytes.', labels, size);
    g.add('node_filesystem_free_bytes', 'gauge', 'Filesystem free space in bytes.', labels, { level: free, spread: 0.002 });
    g.add('node_filesystem_avail_bytes', 'gauge', 'Filesystem space available to non-root users in bytes.', labels, { level: free, spread: 0.002 });
    g.add('node_filesystem_files', 'gauge', 'Filesystem total file nodes.', labels, Math.round(size / 16384));
    g.add('node_filesystem_files_free', 'gauge', 'Filesystem total free file nodes.', labels, { level: Math.round(size / 16384) * 0.9, spread: 0.001 });
    g.add('node_filesystem_readonly', 'gauge', 'Filesystem read-only status.', labels, 0);
    g.add('node_filesystem_device_error', 'gauge', 'Whether an error occurred while getting statistics for the given device.', labels, 0);
  }
  for (const device of NET_DEVICES) {
    const labels = { ...target, device };
    const traffic = device === 'lo' ? 0.1 : 1;
    const stats = [
      ['receive_bytes', 2e6],
      ['transmit_bytes', 1.5e6],
      ['receive_packets', 2000],
      ['transmit_packets', 1800],
      ['receive_errs', 0],
      ['transmit_errs', 0],
      ['receive_drop', 0.01],
      ['transmit_drop', 0],
    ] as const;
    for (const [stat, rate] of stats) {
      const r = rate * traffic * g.between(0.3, 1.7);
      g.add(`node_network_${stat}_total`, 'counter', `Network device statistic ${stat}.`, labels, { rise: r, from: Math.round(r * uptime) });
    }
    g.add('node_network_up', 'gauge', "Value is 1 if operstate is 'up', 0 otherwise.", labels, device === 'lo' ? 0 : 1);
    g.add('node_network_mtu_bytes', 'gauge', 'Network device property: mtu_bytes', labels, device === 'lo' ? 65536 : 9001);
    g.add('node_network_info', 'gauge', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', {
      ...labels,
      address: device === 'lo' ? '00:00:00:00:00:00' : `0a:${g.hex(2)}:${g.hex(2)}:${g.hex(2)}:${g.hex(2)}:${g.hex(2)}`,
      broadcast: device === 'lo' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff',
      duplex: '',
      ifalias: '',
      operstate: device === 'lo' ? 'unknown' : 'up',
    }, 1);
  }
  for (const device of DISKS) {
    const labels = { ...target, device };
    const io = g.between(0.2, 2);
    g.add('node_disk_read_bytes_total', 'counter', 'The total number of bytes read successfully.', labels, { rise: 50_000 * io, from: Math.round(50_000 * io * uptime) });
    g.add('node_disk_written_bytes_total', 'counter', 'The total number of bytes written successfully.', labels, { rise: 400_000 * io, from: Math.round(400_000 * io * uptime) });
    g.add('node_disk_reads_completed_total', 'counter', 'The total number of reads completed successfully.', labels, { rise: 3 * io, from: Math.round(3 * io * uptime) });
    g.add('node_disk_writes_completed_total', 'counter', 'The total number of writes completed successfully.', labels, { rise: 25 * io, from: Math.round(25 * io * uptime) });
    g.add('node_disk_io_time_seconds_total', 'counter', 'Total seconds spent doing I/Os.', labels, { rise: 0.01 * io, from: 0.01 * io * uptime, decimals: 3 });
    g.add('node_disk_read_time_seconds_total', 'counter', 'The total number of seconds spent by all reads.', labels, { rise: 0.002 * io, from: 0.002 * io * uptime, decimals: 3 });
    g.add('node_disk_write_time_seconds_total', 'counter', 'This is the total number of seconds spent by all writes.', labels, { rise: 0.02 * io, from: 0.02 * io * uptime, decimals: 3 });
    g.add('node_disk_io_time_weighted_seconds_total', 'counter', 'The weighted # of seconds spent doing I/Os.', labels, { rise: 0.03 * io, from: 0.03 * io * uptime, decimals: 3 });
    g.add('node_disk_io_now', 'gauge', 'The number of I/Os currently in progress.', labels, { level: 0.3, spread: 1 });
  }
}

// ---------------------------------------------------------------------------------------
// HTTP services

interface Service {
  name: string;
  namespace: string;
  /** Requests per second of a pod, all routes together. */
  rps: number;
  /** Resource paths the service answers under /api/v1/. */
  resources: string[];
  /** Queues it publishes to or consumes from. */
  queues: string[];
  /** Services it calls. */
  calls: string[];
}

const SERVICES: Service[] = [
  { name: 'frontend', namespace: 'shop', rps: 120, resources: ['pages', 'assets'], queues: [], calls: ['catalog', 'cart', 'users'] },
  { name: 'checkout', namespace: 'shop', rps: 6, resources: ['checkouts'], queues: ['orders'], calls: ['cart', 'payments', 'shipping'] },
  { name: 'cart', namespace: 'shop', rps: 25, resources: ['carts', 'items'], queues: [], calls: ['catalog'] },
  { name: 'payments', namespace: 'shop', rps: 5, resources: ['payments', 'refunds'], queues: ['payments'], calls: [] },
  { name: 'orders', namespace: 'shop', rps: 8, resources: ['orders'], queues: ['orders', 'shipments'], calls: ['payments'] },
  { name: 'shipping', namespace: 'shop', rps: 4, resources: ['shipments', 'quotes'], queues: ['shipments'], calls: [] },
  { name: 'catalog', namespace: 'catalog', rps: 60, resources: ['products', 'categories'], queues: [], calls: [] },
  { name: 'search', namespace: 'catalog', rps: 30, resources: ['search', 'suggestions'], queues: ['reindex'], calls: ['catalog'] },
  { name: 'auth', namespace: 'identity', rps: 40, resources: ['tokens', 'sessions'], queues: [], calls: ['users'] },
  { name: 'users', namespace: 'identity', rps: 15, resources: ['users', 'addresses'], queues: [], calls: [] },
];

const LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function httpService(g: Generator, target: Labels, service: Service): void {
  const routes: [string, string, string[]][] = [
    ...service.resources.flatMap((r): [string, string, string[]][] => [
      ['GET', `/api/v1/${r}`, ['200', '304', '500']],
      ['GET', `/api/v1/${r}/{id}`, ['200', '404']],
      ['POST', `/api/v1/${r}`, ['201', '400', '500']],
    ]),
    ['GET', '/healthz', ['200']],
  ];
  const weights = routes.map(([method, handler]) => (handler === '/healthz' ? 0.1 / service.rps : method === 'GET' ? g.between(0.5, 2) : g.between(0.05, 0.3)));
  const total = weights.reduce((a, b) => a + b, 0);
  for (const [i, [method, handler, codes]] of routes.entries()) {
    const rps = (service.rps * weights[i]!) / total;
    for (const code of codes) {
      const share = code === codes[0] ? 0.95 : 0.05 / (codes.length - 1);
      const rate = round(rps * share * g.between(0.8, 1.2), 4);
      g.add('http_requests_total', 'counter', 'Total number of HTTP requests by handler, method and status code.', { ...target, code, handler, method }, { rise: rate, from: Math.round(rate * g.between(2e4, 5e5)) });
    }
    g.histogram('http_request_duration_seconds', 'Latency of HTTP requests by handler and method.', { ...target, handler, method }, LATENCY_BOUNDS, rps, handler === '/healthz' ? 0.001 : g.between(0.01, 0.3));
  }
  g.add('http_requests_in_flight', 'gauge', 'Number of HTTP requests being served.', target, { level: service.rps * 0.05, spread: 0.8 });

  const p = service.name;
  g.add(`${p}_build_info`, 'gauge', `Build information of ${p}: version and revision.`, { ...target, revision: g.hex(12), version: '1.0.0' }, 1);
  g.add(`${p}_db_pool_connections_open`, 'gauge', 'Open connections in the database pool.', target, { level: 20, spread: 0.2 });
  g.add(`${p}_db_pool_connections_in_use`, 'gauge', 'Connections of the database pool in use.', target, { level: 6, spread: 0.6 });
  g.add(`${p}_db_pool_wait_seconds_total`, 'counter', 'Seconds spent waiting for a database connection.', target, { rise: g.between(0, 0.05), from: g.between(0, 5000), decimals: 3 });
  for (const operation of ['select', 'insert', 'update']) {
    const rate = service.rps * (operation === 'select' ? 2 : 0.2) * g.between(0.5, 1.5);
    g.add(`${p}_db_queries_total`, 'counter', 'Database queries by operation.', { ...target, operation }, { rise: round(rate, 3), from: Math.round(rate * 1e5) });
  }
  g.add(`${p}_cache_hits_total`, 'counter', 'Cache lookups that found the key.', target, { rise: round(service.rps * 3, 2), from: Math.round(service.rps * 3e5) });
  g.add(`${p}_cache_misses_total`, 'counter', 'Cache lookups that did not find the key.', target, { rise: round(service.rps * 0.3, 2), from: Math.round(service.rps * 3e4) });
  for (const queue of service.queues) {
    g.add(`${p}_queue_messages_total`, 'counter', 'Messages published to or consumed from a queue.', { ...target, direction: 'out', queue }, { rise: round(service.rps * 0.2, 3), from: Math.round(service.rps * 2e4) });
  }
  for (const callee of service.calls) {
    for (const code of ['200', '503']) {
      const rate = service.rps * (code === '200' ? 0.5 : 0.002);
      g.add(`${p}_outbound_requests_total`, 'counter', 'Requests made to other services, by target and status code.', { ...target, code, target: callee }, { rise: round(rate, 4), from: Math.round(rate * 1e5) });
    }
  }
  for (const kind of ['timeout', 'validation']) g.add(`${p}_errors_total`, 'counter', 'Errors handled, by kind.', { ...target, kind }, { rise: round(service.rps * 0.001, 5), from: g.int(0, 900) });
  for (const flag of ['new_pricing', 'async_writes', 'dark_mode']) g.add(`${p}_feature_flag_enabled`, 'gauge', 'Whether a feature flag is on (1) or off (0).', { ...target, flag }, g.pick([0, 1]));
  g.add(`${p}_config_last_reload_success_timestamp_seconds`, 'gauge', 'When the configuration was last reloaded.', target, WORKSPACE_START - g.int(3600, 86400 * 7));
}

// ---------------------------------------------------------------------------------------
// Go runtime and process, on every Go target

const GO_MEMSTATS: [string, string, 'gauge' | 'counter', number][] = [
  ['alloc_bytes', 'Number of bytes allocated and still in use.', 'gauge', 30e6],
  ['alloc_bytes_total', 'Total number of bytes allocated, even if freed.', 'counter', 2e5],
  ['buck_hash_sys_bytes', 'Number of bytes used by the profiling bucket hash table.', 'gauge', 1.5e6],
  ['frees_total', 'Total number of frees.', 'counter', 2000],
  ['gc_sys_bytes', 'Number of bytes used for garbage collection system metadata.', 'gauge', 8e6],
  ['heap_alloc_bytes', 'Number of heap bytes allocated and still in use.', 'gauge', 30e6],
  ['heap_idle_bytes', 'Number of heap bytes waiting to be used.', 'gauge', 20e6],
  ['heap_inuse_bytes', 'Number of heap bytes that are in use.', 'gauge', 35e6],
  ['heap_objects', 'Number of allocated objects.', 'gauge', 2e5],
  ['heap_released_bytes', 'Number of heap bytes released to OS.', 'gauge', 10e6],
  ['heap_sys_bytes', 'Number of heap bytes obtained from system.', 'gauge', 60e6],
  ['last_gc_time_seconds', 'Number of seconds since 1970 of last garbage collection.', 'gauge', 0],
  ['lookups_total', 'Total number of pointer lookups.', 'counter', 0],
  ['mallocs_total', 'Total number of mallocs.', 'counter', 2100],
  ['mcache_inuse_bytes', 'Number of bytes in use by mcache structures.', 'gauge', 9600],
  ['mcache_sys_bytes', 'Number of bytes used for mcache structures obtained from system.', 'gauge', 15600],
  ['mspan_inuse_bytes', 'Number of bytes in use by mspan structures.', 'gauge', 4e5],
  ['mspan_sys_bytes', 'Number of bytes used for mspan structures obtained from system.', 'gauge', 6e5],
  ['next_gc_bytes', 'Number of heap bytes when next garbage collection will take place.', 'gauge', 50e6],
  ['other_sys_bytes', 'Number of bytes used for other system allocations.', 'gauge', 2e6],
  ['stack_inuse_bytes', 'Number of bytes in use by the stack allocator.', 'gauge', 2e6],
  ['stack_sys_bytes', 'Number of bytes obtained from system for stack allocator.', 'gauge', 2e6],
  ['sys_bytes', 'Number of bytes obtained from system.', 'gauge', 80e6],
];

function goRuntime(g: Generator, target: Labels): void {
  const started = WORKSPACE_START - g.int(3600, 86400 * 20);
  const uptime = WORKSPACE_START - started;
  g.summary('go_gc_duration_seconds', 'A summary of the pause duration of garbage collection cycles.', target, [['0', 2.5e-5], ['0.25', 4e-5], ['0.5', 5.5e-5], ['0.75', 8e-5], ['1', 4e-4]], g.between(0.01, 0.2));
  g.add('go_goroutines', 'gauge', 'Number of goroutines that currently exist.', target, { level: g.int(8, 400), spread: 0.1 });
  g.add('go_info', 'gauge', 'Information about the Go environment.', { ...target, version: g.pick(['go1.19.3', 'go1.19.6', 'go1.20.2']) }, 1);
  g.add('go_threads', 'gauge', 'Number of OS threads created.', target, g.int(8, 40));
  for (const [name, help, type, level] of GO_MEMSTATS) {
    const full = `go_memstats_${name}`;
    if (type === 'counter') g.add(full, 'counter', help, target, { rise: Math.round(level * g.between(0.3, 3)), from: Math.round(level * uptime) });
    else if (name === 'last_gc_time_seconds') g.add(full, 'gauge', help, target, { rise: 1, from: WORKSPACE_START - g.between(0, 120), decimals: 6 });
    else g.add(full, 'gauge', help, target, { level: level * g.between(0.3, 3), spread: 0.1 });
  }
  const memory = g.between(20e6, 300e6);
  g.add('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', target, { rise: g.between(0.005, 0.3), from: g.between(0.005, 0.3) * uptime, decimals: 2 });
  g.add('process_max_fds', 'gauge', 'Maximum number of open file descriptors.', target, 1048576);
  g.add('process_open_fds', 'gauge', 'Number of open file descriptors.', target, { level: g.int(10, 200), spread: 0.1 });
  g.add('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', target, { level: memory, spread: 0.05 });
  g.add('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', target, started + round(g.rnd(), 2));
  g.add('process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes.', target, { level: memory * 5, spread: 0.01 });
  g.add('process_virtual_memory_max_bytes', 'gauge', 'Maximum amount of virtual memory available in bytes.', target, 18446744073709552000);
  g.add('promhttp_metric_handler_requests_in_flight', 'gauge', 'Current number of scrapes being served.', target, 1);
  for (const code of ['200', '500', '503']) {
    g.add('promhttp_metric_handler_requests_total', 'counter', 'Total number of scrapes by HTTP status code.', { ...target, code }, code === '200' ? { rise: 1 / 30, from: Math.round(uptime / 30) } : 0);
  }
}

// ---------------------------------------------------------------------------------------
// CoreDNS and the Prometheus agent

function coredns(g: Generator, target: Labels): void {
  const base = { ...target, server: 'dns://:53', zone: '.' };
  for (const proto of ['udp', 'tcp']) {
    for (const type of ['A', 'AAAA', 'PTR', 'SRV', 'other']) {
      const rate = (proto === 'udp' ? 50 : 0.5) * g.between(0.1, 1);
      g.add('coredns_dns_requests_total', 'counter', 'Counter of DNS requests made per zone, protocol and family.', { ...base, family: '1', proto, type }, { rise: round(rate, 3), from: Math.round(rate * 5e5) });
    }
  }
  for (const rcode of ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED']) {
    const rate = rcode === 'NOERROR' ? 30 : rcode === 'NXDOMAIN' ? 20 : 0.01;
    g.add('coredns_dns_responses_total', 'counter', 'Counter of response status codes.', { ...base, plugin: rcode === 'NOERROR' ? 'cache' : '', rcode }, { rise: round(rate * g.between(0.8, 1.2), 3), from: Math.round(rate * 5e5) });
  }
  const seconds = [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192];
  const bytes = [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16000, 32000, 48000, 64000];
  g.histogram('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took per zone.', { ...base, type: 'A' }, seconds, 40, 0.0008);
  g.histogram('coredns_dns_request_size_bytes', 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.', { ...base, proto: 'udp' }, bytes, 50, 80);
  g.histogram('coredns_dns_response_size_bytes', 'Size of the returned response in bytes.', { ...base, proto: 'udp' }, bytes, 50, 160);
  g.histogram('coredns_forward_request_duration_seconds', 'Histogram of the time each request took.', { ...target, to: '10.0.0.2:53' }, seconds, 8, 0.004);
  for (const type of ['denial', 'success']) {
    g.add('coredns_cache_entries', 'gauge', 'The number of elements in the cache.', { ...target, server: 'dns://:53', type, zones: '.' }, { level: type === 'success' ? 900 : 300, spread: 0.2 });
    g.add('coredns_cache_hits_total', 'counter', 'The count of cache hits.', { ...target, server: 'dns://:53', type, zones: '.' }, { rise: round(g.between(5, 30), 2), from: g.int(1e6, 1e7) });
  }
  const counters: [string, string][] = [
    ['coredns_cache_misses_total', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.'],
    ['coredns_cache_requests_total', 'The count of cache requests.'],
    ['coredns_forward_requests_total', 'Counter of requests made per upstream.'],
    ['coredns_forward_healthcheck_broken_total', 'Counter of the number of complete failures of the healthchecks.'],
    ['coredns_forward_max_concurrent_rejects_total', 'Counter of the number of queries rejected because the concurrent queries were at maximum.'],
    ['coredns_panics_total', 'A metrics that counts the number of panics.'],
    ['coredns_reload_failed_total', 'Counter of the number of failed reload attempts.'],
    ['coredns_dns_do_requests_total', 'Counter of DNS requests with DO bit set per zone.'],
  ];
  for (const [name, help] of counters) g.add(name, 'counter', help, target, name.includes('requests') ? { rise: round(g.between(5, 40), 2), from: g.int(1e6, 1e7) } : 0);
  g.add('coredns_build_info', 'gauge', 'A metric with a constant \'1\' value labeled by version, revision, and goversion from which CoreDNS was built.', { ...target, goversion: 'go1.19.6', revision: '', version: '1.9.3' }, 1);
  for (const name of ['cache', 'errors', 'forward', 'health', 'kubernetes', 'loadbalance', 'loop', 'prometheus', 'ready', 'reload']) {
    g.add('coredns_plugin_enabled', 'gauge', 'A metric that indicates whether a plugin is enabled on per server and zone basis.', { ...target, name, server: 'dns://:53', zone: '.' }, 1);
  }
  g.add('coredns_kubernetes_dns_programming_duration_seconds_count', 'untyped', 'Count of in-cluster DNS programming latencies.', target, { rise: 0.02, from: g.int(1000, 9000) });
  g.add('coredns_hosts_reload_timestamp_seconds', 'gauge', 'The timestamp of the last reload of hosts file.', target, 0);
  g.add('coredns_health_request_duration_seconds_sum', 'untyped', 'Sum of the health request durations.', target, { rise: 0.001, from: g.between(10, 100), decimals: 6 });
}

const SCRAPE_JOBS = ['node', 'kubernetes-pods', 'kube-state-metrics', 'coredns', 'prometheus'];
const PROMETHEUS_HANDLERS = ['/-/healthy', '/-/ready', '/api/v1/status/config', '/metrics'];

/** The agent that scrapes the cluster and writes to the workspace: Prometheus in agent mode. */
function prometheusAgent(g: Generator, target: Labels): void {
  const one = (name: string, type: MetricType, help: string, shape: Shape, labels: Labels = {}) => g.add(name, type, help, { ...target, ...labels }, shape);
  const counter = (name: string, help: string, rate: number, labels: Labels = {}) => one(name, 'counter', help, rate === 0 ? 0 : { rise: round(rate, 3), from: Math.round(rate * 2e5) }, labels);
  one('prometheus_build_info', 'gauge', "A metric with a constant '1' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.", 1, { branch: 'HEAD', goarch: 'amd64', goos: 'linux', goversion: 'go1.19.5', revision: '8f6e2f6d4a6b1e3a7c5d9e0f1a2b3c4d5e6f7a8b', version: '2.42.0' });
  one('prometheus_ready', 'gauge', 'Whether Prometheus startup was fully completed and the server is ready for normal operation.', 1);
  one('prometheus_config_last_reload_successful', 'gauge', 'Whether the last configuration reload attempt was successful.', 1);
  one('prometheus_config_last_reload_success_timestamp_seconds', 'gauge', 'Timestamp of the last successful configuration reload.', WORKSPACE_START - 86400 * 3);
  for (const handler of PROMETHEUS_HANDLERS) {
    counter('prometheus_http_requests_total', 'Counter of HTTP requests.', handler === '/metrics' ? 1 / 30 : 0.1, { code: '200', handler });
    g.histogram('prometheus_http_request_duration_seconds', 'Histogram of latencies for HTTP requests.', { ...target, handler }, [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120], 0.1, 0.002);
  }
  const remote = { remote_name: '5a1c3b', url: 'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-3f0c6b9e-8d2a-4c71-9f5e-2b7d1a6c4e80/api/v1/remote_write' };
  const remoteCounters: [string, string, number][] = [
    ['bytes_total', 'The total number of bytes of data (not metadata) sent by the queue after compression.', 25_000],
    ['enqueue_retries_total', 'Total number of times enqueue has failed because a shards queue was full.', 0],
    ['exemplars_failed_total', 'Total number of exemplars which failed on send to remote storage, non-recoverable errors.', 0],
    ['exemplars_retried_total', 'Total number of exemplars which failed on send to remote storage but were retried because the send error was recoverable.', 0],
    ['exemplars_total', 'Total number of exemplars sent to remote storage.', 0],
    ['histograms_failed_total', 'Total number of histograms which failed on send to remote storage, non-recoverable errors.', 0],
    ['histograms_retried_total', 'Total number of histograms which failed on send to remote storage but were retried because the send error was recoverable.', 0],
    ['histograms_total', 'Total number of histograms sent to remote storage.', 0],
    ['metadata_bytes_total', 'The total number of bytes of metadata sent by the queue after compression.', 300],
    ['metadata_failed_total', 'Total number of metadata entries which failed on send to remote storage, non-recoverable errors.', 0],
    ['metadata_retried_total', 'Total number of metadata entries which failed on send to remote storage but were retried because the send error was recoverable.', 0],
    ['metadata_total', 'Total number of metadata entries sent to remote storage.', 12],
    ['samples_failed_total', 'Total number of samples which failed on send to remote storage, non-recoverable errors.', 0],
    ['samples_retried_total', 'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.', 0.2],
    ['samples_total', 'Total number of samples sent to remote storage.', 380],
  ];
  for (const [name, help, rate] of remoteCounters) counter(`prometheus_remote_storage_${name}`, help, rate, remote);
  const remoteGauges: [string, string, number][] = [
    ['exemplars_pending', 'The number of exemplars pending in the queues shards to be sent to the remote storage.', 0],
    ['histograms_pending', 'The number of histograms pending in the queues shards to be sent to the remote storage.', 0],
    ['samples_pending', 'The number of samples pending in the queues shards to be sent to the remote storage.', 200],
    ['max_samples_per_send', 'The maximum number of samples to be sent, in a single request, to the remote storage.', 1000],
    ['shard_capacity', 'The capacity of each shard of the queue used for parallel sending to the remote storage.', 2500],
    ['shards', 'The number of shards used for parallel sending to the remote storage.', 1],
    ['shards_desired', 'The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.', 0.3],
    ['shards_max', 'The maximum number of shards that the queue is allowed to run.', 200],
    ['shards_min', 'The minimum number of shards that the queue is allowed to run.', 1],
    ['queue_highest_sent_timestamp_seconds', 'Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.', 0],
  ];
  for (const [name, help, level] of remoteGauges) {
    const shape: Shape = name.includes('timestamp')
      ? { rise: 1, from: WORKSPACE_START - 2 }
      : name.includes('pending') || name === 'shards_desired'
        ? { level, spread: 0.8, decimals: name === 'shards_desired' ? 6 : 0 }
        : level;
    one(`prometheus_remote_storage_${name}`, 'gauge', help, shape, remote);
  }
  counter('prometheus_remote_storage_samples_in_total', 'Samples in to remote storage, compare to samples out for queue managers.', 380);
  counter('prometheus_remote_storage_samples_dropped_total', 'Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.', 0);
  counter('prometheus_remote_storage_histograms_in_total', 'HistogramSamples in to remote storage, compare to histograms out for queue managers.', 0);
  counter('prometheus_remote_storage_exemplars_in_total', 'Exemplars in to remote storage, compare to exemplars out for queue managers.', 0);
  one('prometheus_remote_storage_highest_timestamp_in_seconds', 'gauge', 'Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.', { rise: 1, from: WORKSPACE_START });
  g.histogram('prometheus_remote_storage_sent_batch_duration_seconds', 'Duration of send calls to the remote storage.', { ...target, ...remote }, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60], 0.4, 0.08);
  for (const job of SCRAPE_JOBS) {
    const labels = { scrape_job: job };
    one('prometheus_target_scrape_pool_targets', 'gauge', 'Current number of targets in this scrape pool.', job === 'node' ? 41 : job === 'kubernetes-pods' ? 30 : job === 'coredns' ? 2 : 1, labels);
    one('prometheus_target_metadata_cache_entries', 'gauge', 'Total number of metric metadata entries in the cache', { level: 120, spread: 0.05 }, labels);
    one('prometheus_target_metadata_cache_bytes', 'gauge', 'The number of bytes that are currently used for storing metric metadata in the cache', { level: 9000, spread: 0.05 }, labels);
    counter('prometheus_target_scrape_pool_sync_total', 'Total number of syncs that were executed on a scrape pool.', 0.01, labels);
    counter('prometheus_target_sync_failed_total', 'Total number of target sync failures.', 0, labels);
    g.summary('prometheus_target_sync_length_seconds', 'Actual interval to sync the scrape pool.', { ...target, ...labels }, [['0.01', 0.0001], ['0.05', 0.0002], ['0.5', 0.0004], ['0.9', 0.001], ['0.99', 0.003]], 0.01);
    one('prometheus_sd_discovered_targets', 'gauge', 'Current number of discovered targets.', job === 'kubernetes-pods' ? 167 : 41, { config: job, name: 'scrape' });
  }
  g.summary('prometheus_target_interval_length_seconds', 'Actual intervals between scrapes.', { ...target, interval: '30s' }, [['0.01', 29.99], ['0.05', 29.995], ['0.5', 30], ['0.9', 30.004], ['0.99', 30.01]], 2.5);
  const targetCounters = [
    ['scrape_pool_exceeded_label_limits_total', 'Total number of times scrape pools hit the label limits, during sync or config reload.'],
    ['scrape_pool_exceeded_target_limit_total', 'Total number of times scrape pools hit the target limit, during sync or config reload.'],
    ['scrape_pool_reloads_failed_total', 'Total number of failed scrape pool reloads.'],
    ['scrape_pool_reloads_total', 'Total number of scrape pool reloads.'],
    ['scrape_pools_failed_total', 'Total number of scrape pool creations that failed.'],
    ['scrape_pools_total', 'Total number of scrape pool creation attempts.'],
    ['scrapes_cache_flush_forced_total', 'How many times a scrape cache was flushed due to getting big while scrapes are failing.'],
    ['scrapes_exceeded_body_size_limit_total', 'Total number of scrapes that hit the body size limit'],
    ['scrapes_exceeded_sample_limit_total', 'Total number of scrapes that hit the sample limit and were rejected.'],
    ['scrapes_exemplar_out_of_order_total', 'Total number of exemplar rejected due to not being out of the expected order.'],
    ['scrapes_sample_duplicate_timestamp_total', 'Total number of samples rejected due to duplicate timestamps but different values.'],
    ['scrapes_sample_out_of_bounds_total', 'Total number of samples rejected due to timestamp falling outside of the time bounds.'],
    ['scrapes_sample_out_of_order_total', 'Total number of samples rejected due to not being out of the expected order.'],
  ];
  for (const [name, help] of targetCounters) counter(`prometheus_target_${name}`, help!, 0);
  const sd: [string, string, Labels[]][] = [
    ['prometheus_sd_kubernetes_events_total', 'The number of Kubernetes events handled.', ['add', 'delete', 'update'].flatMap((event) => ['endpoints', 'node', 'pod', 'service'].map((role) => ({ event, role })))],
    ['prometheus_sd_received_updates_total', 'Total number of update events received from the SD providers.', [{ name: 'scrape' }]],
    ['prometheus_sd_updates_total', 'Total number of update events sent to the SD consumers.', [{ name: 'scrape' }]],
    ['prometheus_sd_updates_delayed_total', 'Total number of update events that couldn\'t be sent immediately.', [{ name: 'scrape' }]],
    ['prometheus_sd_kubernetes_http_request_total', 'Total number of HTTP requests to the Kubernetes API by status code.', [{ status_code: '200' }]],
  ];
  for (const [name, help, sets] of sd) for (const labels of sets) counter(name, help, g.between(0, 0.5), labels);
  one('prometheus_sd_failed_configs', 'gauge', 'Current number of service discovery configurations that failed to load.', 0, { name: 'scrape' });
  const agent: [string, MetricType, string, number][] = [
    ['prometheus_agent_active_series', 'gauge', 'Number of active series being tracked by the WAL storage', 23_000],
    ['prometheus_agent_deleted_series', 'gauge', 'Number of series pending deletion from the WAL', 0],
    ['prometheus_agent_corruptions_total', 'counter', 'Total number of WAL corruptions.', 0],
    ['prometheus_agent_exemplars_appended_total', 'counter', 'Total number of exemplars appended to the storage', 0],
    ['prometheus_agent_out_of_order_samples_total', 'counter', 'Total number of out of order samples ingestion failed attempts.', 0],
    ['prometheus_agent_data_replay_duration_seconds', 'gauge', 'Time taken to replay the data on disk.', 1.84],
    ['prometheus_tsdb_wal_segment_current', 'gauge', 'Write log segment index that TSDB is currently writing to.', 812],
    ['prometheus_tsdb_wal_storage_size_bytes', 'gauge', 'Size of the write log directory.', 410_000_000],
    ['prometheus_tsdb_wal_completed_pages_total', 'counter', 'Total number of completed pages.', 0.6],
    ['prometheus_tsdb_wal_corruptions_total', 'counter', 'Total number of WAL corruptions.', 0],
    ['prometheus_tsdb_wal_page_flushes_total', 'counter', 'Total number of page flushes.', 3],
    ['prometheus_tsdb_wal_truncations_failed_total', 'counter', 'Total number of write log truncations that failed.', 0],
    ['prometheus_tsdb_wal_truncations_total', 'counter', 'Total number of write log truncations attempted.', 0.0005],
    ['prometheus_tsdb_wal_writes_failed_total', 'counter', 'Total number of write log writes that failed.', 0],
    ['prometheus_tsdb_wal_record_part_writes_total', 'counter', 'Number of record parts written to the WAL.', 3.2],
    ['prometheus_tsdb_wal_record_parts_bytes_written_total', 'counter', 'Number of record part bytes written to the WAL.', 95_000],
    ['prometheus_notifications_alertmanagers_discovered', 'gauge', 'The number of alertmanagers discovered and active.', 0],
    ['prometheus_notifications_queue_capacity', 'gauge', 'The capacity of the alert notifications queue.', 10_000],
    ['prometheus_notifications_queue_length', 'gauge', 'The number of alert notifications in the queue.', 0],
    ['prometheus_notifications_dropped_total', 'counter', 'Total number of alerts dropped due to errors when sending to Alertmanager.', 0],
    ['prometheus_template_text_expansion_failures_total', 'counter', 'The total number of template text expansion failures.', 0],
    ['prometheus_template_text_expansions_total', 'counter', 'The total number of template text expansions.', 0],
    ['prometheus_treecache_watcher_goroutines', 'gauge', 'The current number of watcher goroutines.', 0],
    ['prometheus_treecache_zookeeper_failures_total', 'counter', 'The total number of ZooKeeper failures.', 0],
    ['prometheus_web_federation_errors_total', 'counter', 'Total number of errors that occurred while sending federation responses.', 0],
    ['prometheus_web_federation_warnings_total', 'counter', 'Total number of warnings that occurred while sending federation responses.', 0],
    ['prometheus_api_remote_read_queries', 'gauge', 'The current number of remote read queries being executed or waiting.', 0],
  ];
  for (const [name, type, help, v] of agent) (type === 'counter' ? counter(name, help, v) : one(name, type, help, v));
  for (const type of ['float', 'histogram']) counter('prometheus_agent_samples_appended_total', 'Total number of samples appended to the storage', type === 'float' ? 380 : 0, { type });
  g.summary('prometheus_agent_truncate_duration_seconds', 'Duration of WAL truncation.', target, [['0.5', 0.41], ['0.9', 0.62], ['0.99', 0.9]], 0.0005);
  g.summary('prometheus_tsdb_wal_fsync_duration_seconds', 'Duration of write log fsync.', target, [['0.5', 0.0011], ['0.9', 0.0023], ['0.99', 0.006]], 0.03);
  for (const consumer of ['5a1c3b']) {
    one('prometheus_wal_watcher_current_segment', 'gauge', 'Current segment the WAL watcher is reading records from.', 812, { consumer });
    for (const type of ['series', 'samples']) counter('prometheus_wal_watcher_records_read_total', 'Number of records read by the WAL watcher from the WAL.', type === 'samples' ? 4 : 0.3, { consumer, type });
    counter('prometheus_wal_watcher_record_decode_failures_total', 'Number of records read by the WAL watcher that resulted in an error when decoding.', 0, { consumer });
    counter('prometheus_wal_watcher_samples_sent_pre_tailing_total', 'Number of sample records read by the WAL watcher and sent to remote write during replay of existing WAL.', 0, { consumer });
  }
}

// ---------------------------------------------------------------------------------------
// kube-state-metrics

interface SystemDeployment {
  name: string;
  namespace: string;
  replicas: number;
  image: string;
  /** The port Prometheus scrapes, where it does. */
  port?: number;
  job?: string;
  container?: string;
}

const SYSTEM_DEPLOYMENTS: SystemDeployment[] = [
  { name: 'coredns', namespace: 'kube-system', replicas: 2, image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.9.3-eksbuild.2', port: 9153 },
  { name: 'ebs-csi-controller', namespace: 'kube-system', replicas: 2, image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/aws-ebs-csi-driver:v1.17.0' },
  { name: 'metrics-server', namespace: 'kube-system', replicas: 1, image: 'registry.k8s.io/metrics-server/metrics-server:v0.6.3' },
  { name: 'cluster-autoscaler', namespace: 'kube-system', replicas: 1, image: 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.25.0' },
  { name: 'aws-load-balancer-controller', namespace: 'kube-system', replicas: 2, image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon/aws-load-balancer-controller:v2.4.7' },
  { name: 'kube-state-metrics', namespace: 'monitoring', replicas: 1, image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.8.2', port: 8080 },
  { name: 'prometheus-agent', namespace: 'monitoring', replicas: 1, image: 'quay.io/prometheus/prometheus:v2.42.0', port: 9090, job: 'prometheus', container: 'prometheus' },
  { name: 'ingress-nginx-controller', namespace: 'ingress-nginx', replicas: 2, image: 'registry.k8s.io/ingress-nginx/controller:v1.7.0', container: 'controller' },
];

const STATEFUL_SETS = [
  { name: 'redis', namespace: 'data', replicas: 3, image: 'redis:7.0.10' },
  { name: 'postgres', namespace: 'data', replicas: 2, image: 'postgres:15.2' },
];

const NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop', 'catalog', 'identity', 'monitoring', 'data', 'ingress-nginx'];

/** What a kube-state-metrics metric is worth for an object: a constant, a timestamp, a count. */
type KubeValue = number | 'created' | 'ok';

/** A metric of a kind of object: its name after `kube_<kind>_`, help, value, and label sets fanned out per object. */
type KubeMetric = [suffix: string, help: string, value?: KubeValue, fan?: Labels[]];

const CONDITIONS: Labels[] = ['false', 'true', 'unknown'].map((status) => ({ condition: status }));
const STATUSES = (condition: string): Labels[] => ['false', 'true', 'unknown'].map((status) => ({ condition, status }));
const COMMON: KubeMetric[] = [
  ['annotations', 'Kubernetes annotations converted to Prometheus labels.', 1],
  ['labels', 'Kubernetes labels converted to Prometheus labels.', 1],
  ['created', 'Unix creation timestamp', 'created'],
];
const WORKLOAD_STATUS = (kind: string): KubeMetric[] => [
  ['metadata_generation', `Sequence number representing a specific generation of the desired state for the ${kind}.`, 3],
  ['status_observed_generation', `The generation observed by the ${kind} controller.`, 3],
];

const KUBE_KINDS: Record<string, KubeMetric[]> = {
  node: [
    ...COMMON,
    ['info', 'Information about a cluster node.', 1],
    ['role', 'The role of a cluster node.', 1],
    ['spec_taint', 'The taint of a cluster node.', 0],
    ['spec_unschedulable', 'Whether a node can schedule new pods.', 0],
    ['status_addresses', 'Node address information.', 1],
    ['status_allocatable', 'The allocatable for different resources of a node that are available for scheduling.', 'ok', [{ resource: 'cpu', unit: 'core' }, { resource: 'memory', unit: 'byte' }, { resource: 'pods', unit: 'integer' }, { resource: 'ephemeral_storage', unit: 'byte' }]],
    ['status_capacity', 'The capacity for different resources of a node.', 'ok', [{ resource: 'cpu', unit: 'core' }, { resource: 'memory', unit: 'byte' }, { resource: 'pods', unit: 'integer' }, { resource: 'ephemeral_storage', unit: 'byte' }]],
    ['status_condition', 'The condition of a cluster node.', 'ok', [...STATUSES('Ready'), ...STATUSES('MemoryPressure'), ...STATUSES('DiskPressure'), ...STATUSES('PIDPressure')]],
    ['deletion_timestamp', 'Unix deletion timestamp', 0],
  ],
  namespace: [...COMMON, ['status_phase', 'kubernetes namespace status phase.', 'ok', [{ phase: 'Active' }, { phase: 'Terminating' }]], ['status_condition', 'The condition of a namespace.', 0]],
  deployment: [
    ...COMMON,
    ...WORKLOAD_STATUS('deployment'),
    ['spec_paused', 'Whether the deployment is paused and will not be processed by the deployment controller.', 0],
    ['spec_replicas', 'Number of desired pods for a deployment.', 'ok'],
    ['spec_strategy_rollingupdate_max_surge', 'Maximum number of replicas that can be scheduled above the desired number of replicas during a rolling update of a deployment.', 1],
    ['spec_strategy_rollingupdate_max_unavailable', 'Maximum number of unavailable replicas during a rolling update of a deployment.', 0],
    ['status_condition', 'The current status conditions of a deployment.', 'ok', [...STATUSES('Available'), ...STATUSES('Progressing')]],
    ['status_replicas', 'The number of replicas per deployment.', 'ok'],
    ['status_replicas_available', 'The number of available replicas per deployment.', 'ok'],
    ['status_replicas_ready', 'The number of ready replicas per deployment.', 'ok'],
    ['status_replicas_unavailable', 'The number of unavailable replicas per deployment.', 0],
    ['status_replicas_updated', 'The number of updated replicas per deployment.', 'ok'],
  ],
  replicaset: [
    ...COMMON,
    ...WORKLOAD_STATUS('replicaset'),
    ['owner', 'Information about the ReplicaSet\'s owner.', 1],
    ['spec_replicas', 'Number of desired pods for a ReplicaSet.', 'ok'],
    ['status_fully_labeled_replicas', 'The number of fully labeled replicas per ReplicaSet.', 'ok'],
    ['status_ready_replicas', 'The number of ready replicas per ReplicaSet.', 'ok'],
    ['status_replicas', 'The number of replicas per ReplicaSet.', 'ok'],
  ],
  daemonset: [
    ...COMMON,
    ...WORKLOAD_STATUS('daemonset'),
    ['status_current_number_scheduled', 'The number of nodes running at least one daemon pod and are supposed to.', 'ok'],
    ['status_desired_number_scheduled', 'The number of nodes that should be running the daemon pod.', 'ok'],
    ['status_number_available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available', 'ok'],
    ['status_number_misscheduled', 'The number of nodes running a daemon pod but are not supposed to.', 0],
    ['status_number_ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', 'ok'],
    ['status_number_unavailable', 'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available', 0],
    ['status_updated_number_scheduled', 'The total number of nodes that are running updated daemon pod', 'ok'],
  ],
  statefulset: [
    ...COMMON,
    ...WORKLOAD_STATUS('statefulset'),
    ['persistentvolumeclaim_retention_policy', 'Count of retention policy for StatefulSet template PVCs', 1],
    ['replicas', 'Number of desired pods for a StatefulSet.', 'ok'],
    ['status_current_revision', 'Indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).', 1],
    ['status_replicas', 'The number of replicas per StatefulSet.', 'ok'],
    ['status_replicas_available', 'The number of available replicas per StatefulSet.', 'ok'],
    ['status_replicas_current', 'The number of current replicas per StatefulSet.', 'ok'],
    ['status_replicas_ready', 'The number of ready replicas per StatefulSet.', 'ok'],
    ['status_replicas_updated', 'The number of updated replicas per StatefulSet.', 'ok'],
    ['status_update_revision', 'Indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)', 1],
  ],
  service: [...COMMON, ['info', 'Information about service.', 1], ['spec_type', 'Type about service.', 1], ['spec_external_ip', 'Service external ips. One series for each ip', 0], ['status_load_balancer_ingress', 'Service load balancer ingress status', 0]],
  endpoint: [...COMMON, ['info', 'Information about endpoint.', 1], ['address', 'Information about Endpoint available and non available addresses.', 1], ['ports', 'Information about the Endpoint ports.', 1]],
  endpointslice: [...COMMON, ['info', 'Information about endpointslice.', 1], ['endpoints', 'Endpoints attached to the endpointslice.', 1], ['endpoints_hints', 'Topology routing hints attached to endpoints', 0], ['ports', 'Ports attached to the endpointslice.', 1]],
  configmap: [...COMMON, ['info', 'Information about configmap.', 1], ['metadata_resource_version', 'Resource version representing a specific version of the configmap.', 'created']],
  secret: [...COMMON, ['info', 'Information about secret.', 1], ['metadata_resource_version', 'Resource version representing a specific version of secret.', 'created'], ['type', 'Type about secret.', 1], ['owner', 'Information about the Secret\'s owner.', 1]],
  persistentvolume: [
    ...COMMON,
    ['info', 'Information about persistentvolume.', 1],
    ['capacity_bytes', 'Persistentvolume capacity in bytes.', 21474836480],
    ['status_phase', 'The phase indicates if a volume is available, bound to a claim, or released by a claim.', 'ok', ['Available', 'Bound', 'Failed', 'Pending', 'Released'].map((phase) => ({ phase }))],
    ['claim_ref', 'Information about the Persistent Volume Claim Reference.', 1],
    ['deletion_timestamp', 'Unix deletion timestamp', 0],
    ['csi_attributes', 'CSI attributes of the Persistent Volume.', 1],
  ],
  persistentvolumeclaim: [
    ...COMMON,
    ['info', 'Information about persistent volume claim.', 1],
    ['access_mode', 'The access mode(s) specified by the persistent volume claim.', 1],
    ['resource_requests_storage_bytes', 'The capacity of storage requested by the persistent volume claim.', 21474836480],
    ['status_phase', 'The phase the persistent volume claim is currently in.', 'ok', ['Bound', 'Lost', 'Pending'].map((phase) => ({ phase }))],
    ['status_condition', 'Information about status of different conditions of persistent volume claim.', 0],
    ['deletion_timestamp', 'Unix deletion timestamp', 0],
  ],
  job: [
    ...COMMON,
    ['info', 'Information about job.', 1],
    ['owner', 'Information about the Job\'s owner.', 1],
    ['spec_completions', 'The desired number of successfully finished pods the job should be run with.', 1],
    ['spec_parallelism', 'The maximum desired number of pods the job should run at any given time.', 1],
    ['spec_active_deadline_seconds', 'The duration in seconds relative to the startTime that the job may be active before the system tries to terminate it.', 3600],
    ['status_active', 'The number of actively running pods.', 0],
    ['status_failed', 'The number of pods which reached Phase Failed and the reason for failure.', 0],
    ['status_succeeded', 'The number of pods which reached Phase Succeeded.', 1],
    ['status_start_time', 'StartTime represents time when the job was acknowledged by the Job Manager.', 'created'],
    ['status_completion_time', 'CompletionTime represents time when the job was completed.', 'created'],
    ['complete', 'The job has completed its execution.', 'ok', CONDITIONS],
    ['failed', 'The job has failed its execution.', 0, CONDITIONS],
  ],
  cronjob: [
    ...COMMON,
    ['info', 'Info about cronjob.', 1],
    ['next_schedule_time', 'Next time the cronjob should be scheduled. The time after lastScheduleTime, or after the cron job\'s creation time if it\'s never been scheduled. Use this to determine if the job is delayed.', 'created'],
    ['spec_suspend', 'Suspend flag tells the controller to suspend subsequent executions.', 0],
    ['spec_starting_deadline_seconds', 'Deadline in seconds for starting the job if it misses scheduled time for any reason.', 300],
    ['spec_successful_job_history_limit', 'Successful job history limit tells the controller how many completed jobs should be preserved.', 3],
    ['spec_failed_job_history_limit', 'Failed job history limit tells the controller how many failed jobs should be preserved.', 1],
    ['status_active', 'Active holds pointers to currently running jobs.', 0],
    ['status_last_schedule_time', 'LastScheduleTime keeps information of when was the last time the job was successfully scheduled.', 'created'],
    ['status_last_successful_time', 'LastSuccessfulTime keeps information of when was the last time the job was completed successfully.', 'created'],
    ['metadata_resource_version', 'Resource version representing a specific version of the cronjob.', 'created'],
  ],
  horizontalpodautoscaler: [
    ...COMMON,
    ['info', 'Information about this autoscaler.', 1],
    ['metadata_generation', 'The generation observed by the HorizontalPodAutoscaler controller.', 2],
    ['spec_max_replicas', 'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.', 10],
    ['spec_min_replicas', 'Lower limit for the number of pods that can be set by the autoscaler, default 1.', 3],
    ['spec_target_metric', 'The metric specifications used by this autoscaler when calculating the desired replica count.', 70],
    ['status_condition', 'The condition of this autoscaler.', 'ok', [...STATUSES('AbleToScale'), ...STATUSES('ScalingActive'), ...STATUSES('ScalingLimited')]],
    ['status_current_replicas', 'Current number of replicas of pods managed by this autoscaler.', 3],
    ['status_desired_replicas', 'Desired number of replicas of pods managed by this autoscaler.', 3],
    ['status_target_metric', 'The current metric status used by this autoscaler when calculating the desired replica count.', 42],
  ],
  ingress: [...COMMON, ['info', 'Information about ingress.', 1], ['path', 'Ingress host, paths and backend service information.', 1], ['tls', 'Ingress TLS host and secret information.', 1], ['metadata_resource_version', 'Resource version representing a specific version of ingress.', 'created']],
  ingressclass: [...COMMON, ['info', 'Information about ingressclass.', 1]],
  poddisruptionbudget: [
    ...COMMON,
    ['status_current_healthy', 'Current number of healthy pods', 'ok'],
    ['status_desired_healthy', 'Minimum desired number of healthy pods', 'ok'],
    ['status_expected_pods', 'Total number of pods counted by this disruption budget', 'ok'],
    ['status_observed_generation', 'Most recent generation observed when updating this PDB status', 1],
    ['status_pod_disruptions_allowed', 'Number of pod disruptions that are currently allowed', 1],
  ],
  storageclass: [...COMMON, ['info', 'Information about storageclass.', 1]],
  lease: [['owner', 'Information about the Lease\'s owner.', 1], ['renew_time', 'Kube lease renew time.', 'created']],
  certificatesigningrequest: [...COMMON, ['condition', 'The number of each certificatesigningrequest condition', 1], ['cert_length', 'Length of the issued cert', 1200]],
  mutatingwebhookconfiguration: [['info', 'Information about the MutatingWebhookConfiguration.', 1], ['created', 'Unix creation timestamp.', 'created'], ['metadata_resource_version', 'Resource version representing a specific version of the MutatingWebhookConfiguration.', 'created'], ['webhook_clientconfig_service', 'Service used by the apiserver to connect to a mutating webhook.', 1]],
  validatingwebhookconfiguration: [['info', 'Information about the ValidatingWebhookConfiguration.', 1], ['created', 'Unix creation timestamp.', 'created'], ['metadata_resource_version', 'Resource version representing a specific version of the ValidatingWebhookConfiguration.', 'created'], ['webhook_clientconfig_service', 'Service used by the apiserver to connect to a validating webhook.', 1]],
  networkpolicy: [...COMMON, ['spec_ingress_rules', 'Number of ingress rules on the networkpolicy', 2], ['spec_egress_rules', 'Number of egress rules on the networkpolicy', 1]],
  volumeattachment: [['info', 'Information about volumeattachment.', 1], ['labels', 'Kubernetes labels converted to Prometheus labels.', 1], ['created', 'Unix creation timestamp', 'created'], ['spec_source_persistentvolume', 'PersistentVolume source reference.', 1], ['status_attached', 'Information about volumeattachment.', 1], ['status_attachment_metadata', 'volumeattachment metadata.', 1]],
  resourcequota: [['', 'Information about resource quota.', 'ok', [{ resource: 'pods', type: 'hard' }, { resource: 'pods', type: 'used' }, { resource: 'requests.cpu', type: 'hard' }, { resource: 'requests.cpu', type: 'used' }]], ['created', 'Unix creation timestamp', 'created']],
  limitrange: [['', 'Information about limit range.', 'ok', [{ constraint: 'defaultRequest', resource: 'cpu', type: 'Container' }, { constraint: 'default', resource: 'memory', type: 'Container' }]], ['created', 'Unix creation timestamp', 'created']],
};

const POD_METRICS: KubeMetric[] = [
  ...COMMON,
  ['info', 'Information about pod.', 1],
  ['owner', 'Information about the Pod\'s owner.', 1],
  ['start_time', 'Start time in unix timestamp for a pod.', 'created'],
  ['restart_policy', 'Describes the restart policy in use by this pod.', 1],
  ['status_phase', 'The pods current phase.', 'ok', ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'].map((phase) => ({ phase }))],
  ['status_ready', 'Describes whether the pod is ready to serve requests.', 'ok', CONDITIONS],
  ['status_scheduled', 'Describes the status of the scheduling process for the pod.', 'ok', CONDITIONS],
  ['status_scheduled_time', 'Unix timestamp when pod moved into scheduled status', 'created'],
  ['status_ready_time', 'Readiness achieved time in unix timestamp for a pod.', 'created'],
  ['status_container_ready_time', 'Readiness achieved time in unix timestamp for a pod containers.', 'created'],
  ['status_qos_class', 'The pods current qosClass.', 'ok', ['BestEffort', 'Burstable', 'Guaranteed'].map((qos_class) => ({ qos_class }))],
  ['ips', 'Pod IP addresses', 1],
  ['service_account', 'The service account for a pod.', 1],
  ['scheduler', 'The scheduler for a pod.', 1],
  ['tolerations', 'Information about the pod tolerations', 1],
  ['container_info', 'Information about a container in a pod.', 1],
  ['container_status_ready', 'Describes whether the containers readiness check succeeded.', 'ok'],
  ['container_status_running', 'Describes whether the container is currently in running state.', 'ok'],
  ['container_status_waiting', 'Describes whether the container is currently in waiting state.', 'ok'],
  ['container_status_terminated', 'Describes whether the container is currently in terminated state.', 0],
  ['container_state_started', 'Start time in unix timestamp for a pod container.', 'created'],
  ['container_status_restarts_total', 'The number of container restarts per container.', 'ok'],
  ['container_status_last_terminated_exitcode', 'Describes the exit code for the last container in terminated state.', 'ok'],
  ['container_resource_requests', 'The number of requested request resource by a container.', 'ok', [{ resource: 'cpu', unit: 'core' }, { resource: 'memory', unit: 'byte' }]],
  ['container_resource_limits', 'The number of requested limit resource by a container.', 'ok', [{ resource: 'memory', unit: 'byte' }]],
];

function kubeStateMetrics(g: Generator, target: Labels, hosts: { node: string; ip: string; memory: number }[], pods: Pod[]): void {
  const created = () => WORKSPACE_START - g.int(86400, 86400 * 90);
  const put = (kind: string, [suffix, help, value = 1, fan]: KubeMetric, object: Labels, ok: (labels: Labels) => number) => {
    const name = suffix === '' ? `kube_${kind}` : `kube_${kind}_${suffix}`;
    const type: MetricType = suffix.endsWith('_total') ? 'counter' : 'gauge';
    for (const extra of fan ?? [{}]) {
      const labels = { ...target, ...object, ...extra };
      g.add(name, type, help, labels, value === 'created' ? created() : value === 'ok' ? ok(labels) : value);
    }
  };
  const objects = (kind: string, list: Labels[], ok: (labels: Labels) => number = () => 1) => {
    for (const object of list) for (const metric of KUBE_KINDS[kind]!) put(kind, metric, object, ok);
  };
  const named = (kind: string, count: number, namespaces = NAMESPACES.slice(4)) =>
    Array.from({ length: count }, (_, i) => ({ namespace: namespaces[i % namespaces.length]!, [kind]: `${kind}-${g.hex(6, 'abcdefghijklmnopqrstuvwxyz')}` }));

  const allocatable: Record<string, number> = { cpu: 8, pods: 58, ephemeral_storage: 85_886_742_528 };
  objects('node', hosts.map((h) => ({ node: h.node })), (l) => {
    if (l.resource === 'memory') return hosts.find((h) => h.node === l.node)!.memory;
    if (l.resource !== undefined) return allocatable[l.resource]!;
    return l.status === (l.condition === 'Ready' ? 'true' : 'false') ? 1 : 0;
  });
  objects('namespace', NAMESPACES.map((namespace) => ({ namespace })), (l) => (l.phase === 'Active' ? 1 : 0));

  const owners = new Map<string, { kind: string; namespace: string; pods: Pod[] }>();
  for (const pod of pods) {
    const key = `${pod.namespace}/${pod.owner.name}`;
    if (!owners.has(key)) owners.set(key, { kind: pod.owner.kind, namespace: pod.namespace, pods: [] });
    owners.get(key)!.pods.push(pod);
  }
  const replicas = (pods: Pod[]) => (l: Labels) => (l.status === undefined ? pods.filter((p) => p.ready || l.condition === undefined).length : l.status === 'true' ? 1 : 0);
  for (const [key, owner] of owners) {
    const name = key.split('/')[1]!;
    if (owner.kind === 'ReplicaSet') {
      const deployment = name.replace(/-[a-z0-9]+$/, '');
      objects('replicaset', [{ namespace: owner.namespace, replicaset: name }], replicas(owner.pods));
      objects('replicaset', [{ namespace: owner.namespace, replicaset: `${deployment}-${g.podHash(10)}` }], () => 0);
      objects('deployment', [{ namespace: owner.namespace, deployment }], replicas(owner.pods));
    } else if (owner.kind === 'DaemonSet') objects('daemonset', [{ namespace: owner.namespace, daemonset: name }], replicas(owner.pods));
    else objects('statefulset', [{ namespace: owner.namespace, statefulset: name }], replicas(owner.pods));
  }

  for (const pod of pods) {
    const object = { namespace: pod.namespace, pod: pod.name, uid: pod.uid };
    const requests = { cpu: g.pick([0.05, 0.1, 0.25, 0.5, 1]), memory: g.pick([64, 128, 256, 512, 1024]) * 2 ** 20 };
    for (const metric of POD_METRICS) {
      const [suffix] = metric;
      const extra: Labels =
        suffix === 'info'
          ? {
              created_by_kind: pod.owner.kind,
              created_by_name: pod.owner.name,
              host_ip: hosts.find((h) => h.node === pod.node)!.ip,
              node: pod.node,
              pod_ip: pod.ip,
              priority_class: pod.namespace === 'kube-system' ? 'system-node-critical' : '',
            }
          : suffix === 'owner'
            ? { owner_is_controller: 'true', owner_kind: pod.owner.kind, owner_name: pod.owner.name }
            : suffix === 'container_info'
              ? { container: pod.container, container_id: `containerd://${g.hex(64)}`, image: pod.image, image_id: `${pod.image.split(':')[0]}@sha256:${g.hex(64)}`, image_spec: pod.image }
              : suffix.startsWith('container_')
                ? { container: pod.container }
                : {};
      put('pod', metric, { ...object, ...extra }, (l) => {
        if (l.phase !== undefined) return l.phase === 'Running' ? 1 : 0;
        if (l.qos_class !== undefined) return l.qos_class === 'Burstable' ? 1 : 0;
        if (l.condition !== undefined) return l.condition === String(suffix === 'status_ready' ? pod.ready : true) ? 1 : 0;
        if (l.resource !== undefined) return l.resource === 'cpu' ? requests.cpu : requests.memory * (suffix.endsWith('limits') ? 2 : 1);
        if (suffix === 'container_status_restarts_total') return pod.restarts;
        if (suffix === 'container_status_last_terminated_exitcode') return pod.restarts > 0 ? 137 : 0;
        if (suffix === 'container_status_waiting') return pod.ready ? 0 : 1;
        return pod.ready ? 1 : 0;
      });
    }
    if (!pod.ready) {
      g.add('kube_pod_container_status_waiting_reason', 'gauge', 'Describes the reason the container is currently in waiting state.', { ...target, ...object, container: pod.container, reason: 'CrashLoopBackOff' }, 1);
      g.add('kube_pod_container_status_last_terminated_reason', 'gauge', 'Describes the last reason the container was in terminated state.', { ...target, ...object, container: pod.container, reason: 'Error' }, 1);
    }
    if (pod.owner.name === 'aws-node') {
      put('pod', ['init_container_info', 'Information about an init container in a pod.', 1], { ...object, container: 'aws-vpc-cni-init' }, () => 1);
      put('pod', ['init_container_status_terminated', 'Describes whether the init container is currently in terminated state.', 1], { ...object, container: 'aws-vpc-cni-init' }, () => 1);
      put('pod', ['init_container_status_terminated_reason', 'Describes the reason the init container is currently in terminated state.', 1], { ...object, container: 'aws-vpc-cni-init', reason: 'Completed' }, () => 1);
    }
  }
  objects('service', named('service', 22));
  objects('endpoint', named('endpoint', 22));
  objects('endpointslice', named('endpointslice', 22));
  objects('configmap', named('configmap', 30, NAMESPACES));
  objects('secret', named('secret', 36, NAMESPACES));
  const volumes = STATEFUL_SETS.flatMap((s) => Array.from({ length: s.replicas }, (_, i) => `data-${s.name}-${i}`));
  objects('persistentvolume', volumes.map((v) => ({ persistentvolume: `pvc-${g.uid()}`, storageclass: 'gp3', claim: v })), (l) => (l.phase === 'Bound' ? 1 : 0));
  objects('persistentvolumeclaim', volumes.map((v) => ({ namespace: 'data', persistentvolumeclaim: v, storageclass: 'gp3' })), (l) => (l.phase === 'Bound' ? 1 : 0));
  objects('job', named('job_name', 6, ['data', 'shop']).map(({ namespace, job_name }) => ({ namespace: namespace!, job_name: job_name! })), (l) => (l.condition === 'true' ? 1 : 0));
  objects('cronjob', named('cronjob', 3, ['data', 'shop']));
  objects('horizontalpodautoscaler', SERVICES.slice(0, 6).map((s) => ({ namespace: s.namespace, horizontalpodautoscaler: s.name })), (l) => (l.status === 'true' ? 1 : 0));
  objects('ingress', [{ namespace: 'shop', ingress: 'frontend' }, { namespace: 'identity', ingress: 'auth' }, { namespace: 'catalog', ingress: 'catalog-api' }]);
  objects('ingressclass', [{ ingressclass: 'nginx' }]);
  objects('poddisruptionbudget', SERVICES.slice(0, 6).map((s) => ({ namespace: s.namespace, poddisruptionbudget: s.name })), () => 3);
  objects('storageclass', [{ storageclass: 'gp2' }, { storageclass: 'gp3' }]);
  objects('lease', [...SYSTEM_DEPLOYMENTS.map((d) => ({ namespace: d.namespace, lease: d.name })), ...hosts.slice(0, 8).map((h) => ({ namespace: 'kube-node-lease', lease: h.node }))]);
  objects('certificatesigningrequest', [{ certificatesigningrequest: `csr-${g.hex(5, 'abcdefghijklmnopqrstuvwxyz')}`, signer_name: 'kubernetes.io/kubelet-serving' }]);
  objects('mutatingwebhookconfiguration', [{ mutatingwebhookconfiguration: 'aws-load-balancer-webhook' }, { mutatingwebhookconfiguration: 'pod-identity-webhook' }]);
  objects('validatingwebhookconfiguration', [{ validatingwebhookconfiguration: 'aws-load-balancer-webhook' }, { validatingwebhookconfiguration: 'ingress-nginx-admission' }]);
  objects('networkpolicy', NAMESPACES.slice(4, 9).map((namespace) => ({ namespace, networkpolicy: 'default-deny' })));
  objects('volumeattachment', volumes.map((v) => ({ volumeattachment: `csi-${g.hex(64)}`, node: g.pick(hosts).node, claim: v })));
  objects('resourcequota', ['shop', 'catalog', 'identity'].map((namespace) => ({ namespace, resourcequota: 'compute' })), (l) => (l.type === 'hard' ? (l.resource === 'pods' ? 100 : 40) : l.resource === 'pods' ? 12 : 6.5));
  objects('limitrange', ['shop', 'catalog'].map((namespace) => ({ namespace, limitrange: 'defaults' })), (l) => (l.resource === 'cpu' ? 0.1 : 268435456));

  const build = { ...target, branch: '', goarch: 'amd64', goos: 'linux', goversion: 'go1.19.6', revision: 'unknown', version: 'v2.8.2' };
  g.add('kube_state_metrics_build_info', 'gauge', "A metric with a constant '1' value labeled by version, revision, branch, goversion from which kube_state_metrics was built, and the goos and goarch for the build.", build, 1);
  g.add('kube_state_metrics_shard_ordinal', 'gauge', 'Current sharding ordinal/index of this instance', { ...target, shard_ordinal: '0' }, 0);
  g.add('kube_state_metrics_total_shards', 'gauge', 'Number of total shards this instance is aware of', target, 1);
  for (const resource of Object.keys(KUBE_KINDS)) {
    for (const result of ['success', 'error']) {
      g.add('kube_state_metrics_list_total', 'counter', 'Number of total resource list in kube-state-metrics', { ...target, resource: `*v1.${resource}`, result }, result === 'success' ? { rise: 0.001, from: g.int(10, 200) } : 0);
      g.add('kube_state_metrics_watch_total', 'counter', 'Number of total resource watches in kube-state-metrics', { ...target, resource: `*v1.${resource}`, result }, result === 'success' ? { rise: 0.02, from: g.int(1000, 20000) } : 0);
    }
  }
}

// pm2 definitions of the Tensorswarm daemons. Walk-through: docs/operations.md, section "pm2".
//
//   pm2 start scripts/ops/ecosystem.config.js            # every daemon that has an env file
//   pm2 start scripts/ops/ecosystem.config.js --only tensorswarm-miner
//
// A daemon is defined when its env file exists in TS_ENV_DIR (default /etc/tensorswarm):
//   miner.env, validator.env, averager.env, orchestrator.env  -> tensorswarm-<daemon>
//   miner-<name>.env (several miners on one host)              -> tensorswarm-miner-<name>
//   auto-update.env                                            -> tensorswarm-auto-update
// common.env is read first by every daemon; miner.env is also read by every miner-<name> instance.
// Env files are KEY=value lines (the systemd EnvironmentFile format; see .env.example). The daemons
// read every setting from the environment, so the command line is only
//   java -Dai.djl.pytorch.num_threads=$OMP_NUM_THREADS $JAVA_OPTS -jar <TS_HOME>/dist/<daemon>.jar run $TS_ARGS
//
// Read from the shell that runs `pm2 start` (pm2 save stores the result, so resurrect needs none):
//   TS_HOME     the install (default: the clone holding this file)
//   TS_ENV_DIR  env files (default /etc/tensorswarm)
//   TS_LOG_DIR  log files <app>.log (default /var/log/tensorswarm)
//   TS_WORK_DIR working directory and default state root (default /var/lib/tensorswarm)
//   TS_JAVA     the java binary (default: java on PATH)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const HOME = path.resolve(process.env.TS_HOME || path.join(__dirname, '..', '..'));
const ENV_DIR = path.resolve(process.env.TS_ENV_DIR || '/etc/tensorswarm');
const LOG_DIR = path.resolve(process.env.TS_LOG_DIR || '/var/log/tensorswarm');
const WORK_DIR = path.resolve(process.env.TS_WORK_DIR || '/var/lib/tensorswarm');
const JAVA = process.env.TS_JAVA || 'java';

/** Default metrics port, JVM options and libtorch threads per daemon (the orchestrator only evaluates
 * each new base model once, for the dashboard). The systemd units use the same defaults. */
const CPUS = Math.max(1, os.cpus().length);
const DAEMONS = {
  miner: { metricsPort: 9101, javaOpts: '-Xmx4g -XX:+ExitOnOutOfMemoryError', threads: Math.min(4, CPUS) },
  validator: { metricsPort: 9102, javaOpts: '-Xmx4g -XX:+ExitOnOutOfMemoryError', threads: Math.min(4, CPUS) },
  averager: { metricsPort: 9103, javaOpts: '-Xmx4g -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError', threads: Math.min(4, CPUS) },
  orchestrator: { metricsPort: 9104, javaOpts: '-Xmx1g -XX:+ExitOnOutOfMemoryError', threads: 1 },
};

/** pm2 waits this much longer than the daemon's --shutdown.grace before it sends SIGKILL. */
const STOP_MARGIN_MS = 15000;
const DEFAULT_GRACE_MS = 30000;
/** Exit codes after which pm2 must not restart: finished (0), bad settings (2), stopped by a signal (130, 143). */
const STOP_EXIT_CODES = [0, 2, 130, 143];

/** Reads KEY=value lines: # comments, optional "export ", optional quotes (as systemd and DotEnv do). */
function readEnvFile(file) {
  const env = {};
  if (!fs.existsSync(file)) {
    return env;
  }
  fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((raw, i) => {
    let line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      return;
    }
    if (line.startsWith('export ')) {
      line = line.slice(7).trim();
    }
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new Error(`${file} line ${i + 1}: expected KEY=value`);
    }
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
      value = value.slice(1, -1);
    }
    env[key] = value;
  });
  return env;
}

/** Milliseconds of an ISO-8601 duration such as PT30S, PT2M or PT1M30.5S; null when malformed. */
function isoMillis(text) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?$/i.exec(String(text || '').trim());
  if (!m || m.slice(1).every((x) => x === undefined) || /T$/i.test(String(text).trim())) {
    return null;
  }
  const [d, h, min, s, frac] = m.slice(1).map((x) => x || '0');
  return (((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000
      + Math.round(Number('0.' + frac) * 1000);
}

function words(text) {
  return String(text || '').trim().split(/\s+/).filter((w) => w !== '');
}

/** The environment the daemon sees: launcher defaults, then common.env, then its own files. */
function daemonEnv(daemon, files, defaults) {
  const env = Object.assign({
    OMP_WAIT_POLICY: 'PASSIVE', // libtorch's OpenMP threads spin otherwise: 10-30x slower on shared cores
    OMP_NUM_THREADS: String(DAEMONS[daemon].threads),
    DJL_CACHE_DIR: path.join(WORK_DIR, '.djl.ai'),
    JAVA_OPTS: DAEMONS[daemon].javaOpts,
  }, defaults);
  for (const file of [path.join(ENV_DIR, 'common.env'), ...files]) {
    Object.assign(env, readEnvFile(file));
  }
  // pm2 adds these to the environment of the shell that started the pm2 daemon (the files win).
  return env;
}

function daemonApp(name, daemon, env) {
  const graceMs = env.TS_SHUTDOWN_GRACE === undefined ? DEFAULT_GRACE_MS : isoMillis(env.TS_SHUTDOWN_GRACE);
  if (graceMs === null) {
    throw new Error(`${name}: TS_SHUTDOWN_GRACE=${env.TS_SHUTDOWN_GRACE} is not an ISO-8601 duration such as PT30S`);
  }
  return {
    name,
    namespace: 'tensorswarm',
    script: JAVA,
    interpreter: 'none',
    args: [`-Dai.djl.pytorch.num_threads=${env.OMP_NUM_THREADS}`, ...words(env.JAVA_OPTS), '-jar', path.join(HOME, 'dist', `${daemon}.jar`), 'run', ...words(env.TS_ARGS)],
    cwd: WORK_DIR,
    env,
    autorestart: true,
    exp_backoff_restart_delay: 2000, // 2 s, 3 s, 4.5 s ... capped by pm2 at 15 s; reset after 30 s up
    max_restarts: 10, // restarts within min_uptime before pm2 gives up ("errored")
    min_uptime: 60000,
    stop_exit_codes: STOP_EXIT_CODES,
    // pm2 sends SIGINT (PM2_KILL_SIGNAL), which runs the same shutdown hook as SIGTERM; then SIGKILL
    // after kill_timeout. Only the JVM gets the signal: the miner stops its own training worker.
    kill_timeout: graceMs + STOP_MARGIN_MS,
    treekill: false,
    out_file: path.join(LOG_DIR, `${name}.log`),
    error_file: path.join(LOG_DIR, `${name}.log`),
    merge_logs: true,
    // Text logs carry only the time of day; pm2 adds the date. JSON lines stay parseable.
    log_date_format: env.TS_LOGGING_FORMAT === 'json' ? undefined : 'YYYY-MM-DD',
  };
}

function apps() {
  const list = [];
  for (const daemon of ['orchestrator', 'averager', 'validator']) {
    const file = path.join(ENV_DIR, `${daemon}.env`);
    if (fs.existsSync(file)) {
      const env = daemonEnv(daemon, [file], {
        TS_METRICS_PORT: String(DAEMONS[daemon].metricsPort),
        TS_STATE_DIR: path.join(WORK_DIR, daemon),
      });
      list.push(daemonApp(`tensorswarm-${daemon}`, daemon, env));
    }
  }
  const instances = fs.existsSync(ENV_DIR)
    ? fs.readdirSync(ENV_DIR).filter((f) => /^miner-.+\.env$/.test(f)).sort()
    : [];
  if (instances.length > 0) {
    for (const file of instances) {
      const instance = file.slice('miner-'.length, -'.env'.length);
      if (!/^[A-Za-z0-9_-]+$/.test(instance)) {
        throw new Error(`${path.join(ENV_DIR, file)}: instance names are letters, digits, - and _`);
      }
      const own = readEnvFile(path.join(ENV_DIR, file));
      if (own.TS_METRICS_PORT === undefined) {
        throw new Error(`${path.join(ENV_DIR, file)} must set TS_METRICS_PORT: each miner on a host needs its own port`);
      }
      const env = daemonEnv('miner', [path.join(ENV_DIR, 'miner.env'), path.join(ENV_DIR, file)], {
        TS_STATE_DIR: path.join(WORK_DIR, `miner-${instance}`),
      });
      list.push(daemonApp(`tensorswarm-miner-${instance}`, 'miner', env));
    }
  } else if (fs.existsSync(path.join(ENV_DIR, 'miner.env'))) {
    const env = daemonEnv('miner', [path.join(ENV_DIR, 'miner.env')], {
      TS_METRICS_PORT: String(DAEMONS.miner.metricsPort),
      TS_STATE_DIR: path.join(WORK_DIR, 'miner'),
    });
    list.push(daemonApp('tensorswarm-miner', 'miner', env));
  }
  const updateFile = path.join(ENV_DIR, 'auto-update.env');
  if (fs.existsSync(updateFile)) {
    const env = readEnvFile(updateFile);
    list.push({
      name: 'tensorswarm-auto-update',
      namespace: 'tensorswarm-ops', // not "tensorswarm": restarting the daemons must not restart the updater
      script: path.join(HOME, 'scripts', 'ops', 'auto-update.sh'),
      interpreter: 'none',
      args: ['--dir', HOME, '--pm2', ...words(env.TS_UPDATE_PM2_TARGETS || 'tensorswarm'),
        '--every', env.TS_UPDATE_EVERY || '900'],
      cwd: HOME,
      env,
      autorestart: true,
      exp_backoff_restart_delay: 2000,
      kill_timeout: 5000,
      out_file: path.join(LOG_DIR, 'tensorswarm-auto-update.log'),
      error_file: path.join(LOG_DIR, 'tensorswarm-auto-update.log'),
      merge_logs: true,
      log_date_format: 'YYYY-MM-DD',
    });
  }
  if (list.length === 0) {
    throw new Error(`no env files in ${ENV_DIR}: create common.env and one of miner.env, validator.env, averager.env, `
        + 'orchestrator.env, miner-<name>.env (scripts/ops/install-env.sh; docs/operations.md)');
  }
  return list;
}

module.exports = { apps: apps() };

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, versions } from './cache.js';
import { StackError } from './errors.js';
import { requireCommand, runLogged } from './process.js';

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

/**
 * Installs each emulator into the cache with its ordinary client (pip, Maven, go install) unless
 * that version is already there. Each install writes into a fresh folder and renames it into place,
 * so an interrupted install never leaves a half-installed tool that looks complete.
 */
export interface InstalledTools {
  python: string;
  motoServer: string;
  cfnLint: string;
  elasticmqClasspath: string;
  localKms: string;
}

export async function installTools(log: (line: string) => void = () => {}): Promise<InstalledTools> {
  const [pythonTools, elasticmqClasspath, localKms] = await Promise.all([
    ensurePythonTools(log),
    ensureElasticMq(log),
    ensureLocalKms(log),
  ]);
  return { ...pythonTools, elasticmqClasspath, localKms };
}

async function installOnce(target: string, what: string, log: (line: string) => void, install: (dir: string) => Promise<void>) {
  if (fs.existsSync(path.join(target, '.complete'))) return;
  log(`installing ${what} into ${target} (once; later starts reuse it)`);
  const staging = `${target}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  await install(staging);
  fs.writeFileSync(path.join(staging, '.complete'), new Date().toISOString());
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
}

async function ensurePythonTools(log: (line: string) => void) {
  const dir = cacheDir(`python-moto-${versions.moto}-cfnlint-${versions.cfnLint}`);
  await installOnce(dir, `moto ${versions.moto} and cfn-lint ${versions.cfnLint} (pip)`, log, async (staging) => {
    requireCommand('python3', ['--version'], 'Install Python 3.9 or newer (Debian: `apt-get install python3 python3-venv`).');
    const logFile = cacheDir('logs', 'pip.log');
    await runLogged('Creating the Python virtual environment', 'python3', ['-m', 'venv', staging], { logFile });
    await runLogged(
      'pip install of moto and cfn-lint',
      path.join(staging, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', `moto[server]==${versions.moto}`, `cfn-lint==${versions.cfnLint}`],
      { logFile },
    );
  });
  // A venv records its own path, so it is used where it was built: renaming it breaks its scripts.
  // Invoking modules through its python avoids that.
  const python = path.join(dir, 'bin', 'python');
  return { python, motoServer: path.join(assets, 'moto_serial.py'), cfnLint: python };
}

/**
 * Schemathesis (the contract fuzzer, test/e2e/contract-fuzz.test.ts) in its own virtual environment:
 * the stack's emulators never wait for it. Returns the python that runs `-m schemathesis.cli`.
 */
export async function ensureSchemathesis(log: (line: string) => void = () => {}): Promise<string> {
  const dir = cacheDir(`python-schemathesis-${versions.schemathesis}`);
  await installOnce(dir, `Schemathesis ${versions.schemathesis} (pip)`, log, async (staging) => {
    requireCommand('python3', ['--version'], 'Install Python 3.9 or newer (Debian: `apt-get install python3 python3-venv`).');
    const logFile = cacheDir('logs', 'pip.log');
    await runLogged('Creating the Python virtual environment', 'python3', ['-m', 'venv', staging], { logFile });
    await runLogged(
      'pip install of schemathesis',
      path.join(staging, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', `schemathesis==${versions.schemathesis}`],
      { logFile },
    );
  });
  return path.join(dir, 'bin', 'python');
}

/**
 * Checkov (the template scanner, test/unit/aws/checkov.test.ts) in its own virtual environment, as
 * Schemathesis is. Returns the python that runs `-m checkov.main`.
 */
export async function ensureCheckov(log: (line: string) => void = () => {}): Promise<string> {
  const dir = cacheDir(`python-checkov-${versions.checkov}`);
  await installOnce(dir, `Checkov ${versions.checkov} (pip)`, log, async (staging) => {
    requireCommand('python3', ['--version'], 'Install Python 3.9 or newer (Debian: `apt-get install python3 python3-venv`).');
    const logFile = cacheDir('logs', 'pip.log');
    await runLogged('Creating the Python virtual environment', 'python3', ['-m', 'venv', staging], { logFile });
    await runLogged(
      'pip install of checkov',
      path.join(staging, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', `checkov==${versions.checkov}`],
      { logFile },
    );
  });
  return path.join(dir, 'bin', 'python');
}

async function ensureElasticMq(log: (line: string) => void): Promise<string> {
  const dir = cacheDir(`elasticmq-${versions.elasticmq}`);
  await installOnce(dir, `ElasticMQ ${versions.elasticmq} (Maven Central)`, log, async (staging) => {
    requireCommand('java', ['-version'], 'Install a Java 17+ runtime (Debian: `apt-get install openjdk-17-jre-headless`).');
    requireCommand('mvn', ['--version'], 'Install Maven (Debian: `apt-get install maven`).');
    await runLogged(
      'Maven download of ElasticMQ',
      'mvn',
      ['-q', '-B', '-f', path.join(assets, 'elasticmq-pom.xml'), `-Delasticmq.version=${versions.elasticmq}`,
        'dependency:copy-dependencies', `-DoutputDirectory=${path.join(staging, 'lib')}`],
      { logFile: cacheDir('logs', 'maven.log') },
    );
  });
  return path.join(dir, 'lib', '*');
}

async function ensureLocalKms(log: (line: string) => void): Promise<string> {
  const dir = cacheDir(`local-kms-${versions.localKms}`);
  await installOnce(dir, `local-kms ${versions.localKms} (go install)`, log, async (staging) => {
    requireCommand('go', ['version'], 'Install Go 1.21 or newer (https://go.dev/doc/install, or Debian: `apt-get install golang`).');
    await runLogged(
      'go install of local-kms',
      'go',
      ['install', `github.com/nsmithuk/local-kms@${versions.localKms}`],
      { env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0' }, logFile: cacheDir('logs', 'go.log') },
    );
  });
  const binary = path.join(dir, 'local-kms');
  if (!fs.existsSync(binary)) throw new StackError(`local-kms is missing from ${dir}; delete that folder and start again.`);
  return binary;
}

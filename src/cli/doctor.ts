/** `docpipe doctor [pipeline.yaml] [--json] [--production|--no-production]`: risky Redis/Postgres settings and the OCR engine. Exit 1 when unsafe. */
import { redactUrl } from '../log/logger.ts';
import { EXIT_OK, EXIT_PROBLEM, withOps, type CommandOutput } from './support.ts';
import { formatFindings, isProductionPrefix, ocrFindings, redisFindings, storeFindings, worstLevel, type Finding } from '../ops/doctor.ts';
import { probeOcr, probeRedis, probeStore, redactSecrets } from '../ops/doctor-probe.ts';

export interface DoctorOptions {
  json?: boolean;
  /** Treat the prefix as production (AOF off is then unsafe); default: guessed from the prefix name. */
  production?: boolean;
}

export async function doctorCommand(file: string | undefined, opts: DoctorOptions, out: CommandOutput): Promise<number> {
  return withOps(file, out, 'doctor', async (ctx) => {
    const { config } = ctx;
    const production = opts.production ?? isProductionPrefix(config.prefix);
    const findings: Finding[] = [];
    try {
      const facts = await probeRedis(ctx.redis);
      findings.push({ check: 'redis', level: 'ok', message: `connected to ${redactUrl(config.redis.url)}` });
      findings.push(...redisFindings(facts, { production, prefix: config.prefix, clusterConfigured: Boolean(config.redis.cluster) }));
    } catch (err) {
      findings.push({
        check: 'redis',
        level: 'unsafe',
        message: `cannot read ${redactUrl(config.redis.url)}: ${redactSecrets(ctx.redisError() ?? (err as Error).message, config.redis.url)}`,
        fix: 'check REDIS_URL and that Redis is up',
      });
    }
    findings.push(...storeFindings(await probeStore(config)));
    findings.push(...ocrFindings(probeOcr(config)));
    const worst = worstLevel(findings);
    if (opts.json)
      out.log(JSON.stringify({ pipeline: config.name, prefix: config.prefix, production, ok: worst !== 'unsafe', findings }, null, 2));
    else
      out.log(
        `doctor: pipeline ${config.name}, prefix ${config.prefix} (${production ? 'production' : 'not production'})\n\n${formatFindings(findings)}`,
      );
    return worst === 'unsafe' ? EXIT_PROBLEM : EXIT_OK;
  });
}

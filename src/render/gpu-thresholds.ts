// Which form each GPU alert threshold takes on a host: relative to the GPU's own limits where it
// reports them (alerts/gpu/limits.rules.yml), else the absolute value from obsctl.yaml
// (alerts/gpu/health.rules.yml). The rules decide per GPU in PromQL; this says the same in words,
// per host, for `verify` (and is what stack.json records as the thresholds in force).
import type { Config } from '../config/schema.js';
import type { GpuCapabilities } from './capabilities.js';

export interface GpuThresholds {
  temperatureWarningCelsius: number;
  temperatureCriticalCelsius: number;
  temperatureMarginCelsius: number;
  powerWatts: number;
  powerLimitPercent: number;
}

export function gpuThresholds(config: Config): GpuThresholds {
  const g = config.alerts.gpu;
  return {
    temperatureWarningCelsius: g.temperature_warning_celsius,
    temperatureCriticalCelsius: g.temperature_critical_celsius,
    temperatureMarginCelsius: g.temperature_margin_celsius,
    powerWatts: g.power_limit_watts,
    powerLimitPercent: g.power_limit_percent,
  };
}

export interface ThresholdForm {
  id: 'temperature' | 'power';
  /** `gpu-limit` where the GPU reports the limit the alert compares with, else `configured`. */
  form: 'gpu-limit' | 'configured' | 'mixed';
  sentence: string;
}

/** One entry per alerted quantity the host reports (an unreported one is a capability warning instead). */
export function thresholdForms(caps: GpuCapabilities, t: GpuThresholds): ThresholdForm[] {
  const has = (f: string) => caps.fields.includes(f);
  const out: ThresholdForm[] = [];
  if (has('DCGM_FI_DEV_GPU_TEMP')) {
    const warn = has('DCGM_FI_DEV_SLOWDOWN_TEMP')
      ? `warning within ${t.temperatureMarginCelsius} °C of the GPU's slowdown temperature`
      : `warning above ${t.temperatureWarningCelsius} °C (obsctl.yaml; no slowdown temperature reported)`;
    const crit = has('DCGM_FI_DEV_SHUTDOWN_TEMP')
      ? `critical within ${t.temperatureMarginCelsius} °C of its shutdown temperature`
      : `critical above ${t.temperatureCriticalCelsius} °C (obsctl.yaml; no shutdown temperature reported)`;
    const forms = [has('DCGM_FI_DEV_SLOWDOWN_TEMP'), has('DCGM_FI_DEV_SHUTDOWN_TEMP')];
    out.push({ id: 'temperature', form: forms.every(Boolean) ? 'gpu-limit' : forms.some(Boolean) ? 'mixed' : 'configured', sentence: `temperature: ${warn}, ${crit}` });
  }
  if (has('DCGM_FI_DEV_POWER_USAGE')) {
    const own = has('DCGM_FI_DEV_ENFORCED_POWER_LIMIT');
    out.push({
      id: 'power',
      form: own ? 'gpu-limit' : 'configured',
      sentence: own
        ? `power: at ${t.powerLimitPercent}% of the GPU's enforced power limit for 15m`
        : `power: above ${t.powerWatts} W for 15m (obsctl.yaml; no enforced power limit reported)`,
    });
  }
  return out;
}

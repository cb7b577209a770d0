/**
 * UrgentBinAlerts on top of the work-orders service: a burning or fallen bin opens an urgent
 * work order (idempotent on the alert id). Typed structurally so this module does not import the
 * work-orders module; server.ts hands in the real service.
 */
import type { Bin } from '../registry/registry.model.js';
import type { UrgentBinAlerts, UrgentKind } from './urgent-alerts.js';

export interface AlertOrderSink {
  createFromAlert(input: {
    alertId: string;
    title: string;
    description: string;
    location: string;
    category: 'environment' | 'bin_overflow';
    gridId?: string;
  }): Promise<unknown>;
}

export class WorkOrderUrgentAlerts implements UrgentBinAlerts {
  constructor(
    private readonly orders: AlertOrderSink,
    private readonly bins: { getBin(id: string): Promise<Bin> },
  ) {}

  async raise(binId: string, kind: UrgentKind, details: { alertId: string; at: number; value: number }) {
    const bin = await this.bins.getBin(binId);
    const fire = kind === 'fire';
    await this.orders.createFromAlert({
      alertId: details.alertId,
      title: fire ? `Bin fire risk: ${bin.name}` : `Bin knocked over: ${bin.name}`,
      description: fire
        ? `Temperature ${details.value} °C in bin ${bin.id} at ${new Date(details.at).toISOString()}`
        : `Tilt ${details.value}° on bin ${bin.id} at ${new Date(details.at).toISOString()}`,
      location: `${bin.name} (${bin.lat.toFixed(5)}, ${bin.lon.toFixed(5)})`,
      category: fire ? 'environment' : 'bin_overflow',
      ...(bin.gridId ? { gridId: bin.gridId } : {}),
    });
  }
}

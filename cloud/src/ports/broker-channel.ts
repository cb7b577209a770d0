/**
 * What the cloud's modules need from the MQTT side, whichever broker runs: publish (retained for
 * configs) and listen to the gateways' answers. Implemented over the embedded aedes broker and over
 * the MQTT client of an external broker.
 */
export interface BrokerChannel {
  publish(topic: string, payload: string, options: { retain: boolean }): Promise<void>;
  /** Subscribes a filter; the handler gets every message on it. */
  listen(filter: string, handler: (topic: string, payload: Buffer) => void): Promise<void>;
}

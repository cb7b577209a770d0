/**
 * Port the MQTT side (aedes `authenticate` hook, or anything fronting a broker) asks at CONNECT.
 * A gateway proves itself with the credentials it received at provisioning; the cloud's own MQTT
 * client uses a separate internal credential from configuration. undefined = refuse.
 */
export interface GatewayAuthenticator {
  authenticate(
    username: string,
    password: string,
  ): Promise<{ gatewayId: string } | { internal: true } | undefined>;
}

/** The version the JDBC connectors report: Confluent's connector release whose behaviour they follow. */
export const JDBC_SINK_VERSION = '10.7.4';

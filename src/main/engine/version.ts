// Written into every report so results can be traced to the engine that produced them.
// Bump it when a change alters fills, trades or metrics for the same config and data.
export const ENGINE_VERSION = '0.1.0';

"""The inbound stage: HubSpot form submissions polled by a sensor (or pushed through the signed webhook
intake), validated, enriched and tiered, then routed to an owner with a HubSpot task and a drafted reply."""

"""The engagement stage: what happens after a lead is enrolled. lemlist activities (replies, bounces,
unsubscribes, opens and clicks), reply classification and the actions it leads to, the suppression list fed
by all of them, and the daily campaign statistics with their recommendations and the safety sensor."""

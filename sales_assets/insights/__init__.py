"""The insights stage: pipeline analysis (tier mix, conversion by stage) and lookalike targets learnt from
the leads that replied with interest, fed back as ICP suggestions."""

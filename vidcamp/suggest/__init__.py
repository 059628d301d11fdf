"""`vidcamp suggest`: find clips worth posting in long footage, scored and explained."""

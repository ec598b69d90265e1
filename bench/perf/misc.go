package main

import "carpool/internal/carpool"

func hashOf(secret string) string { return carpool.HashToken(secret) }

package main

import "errors"

func runSearch(r *Result) error                { return errors.New("todo") }
func runFootprint(r *Result, bin string) error { return errors.New("todo") }
func report(in, doc string) error              { return errors.New("todo") }

// Package docscheck holds two tests of what users see: every Go snippet of
// the documentation compiles (or is marked as a fragment), and each adapter,
// wired with its framework's Use before RegisterMetadata in a fresh module
// outside the repository (GOWORK=off, replace lines only), serves the
// metadata, lets CORS preflights through and checks tokens.
package docscheck

# sam build's builder for the functions (template.yaml: Metadata BuildMethod: makefile).
# SAM runs `make build-<LogicalId>` in this directory with ARTIFACTS_DIR set; one pattern
# serves every ${Name}Function of the template's loop (no .PHONY: make skips pattern rules
# for phony targets).
build-%Function:
	node scripts/build-function.mjs $* "$(ARTIFACTS_DIR)"

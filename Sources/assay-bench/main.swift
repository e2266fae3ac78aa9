AssayBench.main()

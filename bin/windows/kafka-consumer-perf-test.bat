@node "%~dp0..\..\dist\src\bin\samsa.cjs" kafka-consumer-perf-test %*

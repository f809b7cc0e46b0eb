"""The book use cases, shared by every host (the CLI's book/print/demo, the console's data,
the AWS print handler):

    make.make_book          design -> render -> preflight -> publish one book
    printjob.run_print_job  one delivery of a print job: queued -> rendering -> ready/failed
    printjob.render_print_files   the production renderer of a job's book (PDF bytes)

Books are published to the book store, `pressroom.catalogue.books`, a backend beside the
catalogue. Submodules are imported by name: pyvips loads only where a book is rendered.
"""

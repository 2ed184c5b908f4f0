"""Reading a plan's task list from the Excel annex the province publishes ("Phụ lục: Danh mục nhiệm vụ").

reader → headers → rows (with agencies and timeframes) → writer. ``service.annex_import`` is the one
entry point the admin, the command, the background job and the API call.
"""
